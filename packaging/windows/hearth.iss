; Inno Setup 6 script: Hearth's Windows installer, from the PyInstaller bundle in dist\hearth.
;
;   python packaging\make_icon.py build\icons
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\hearth.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\hearth.iss
;
; Paths are relative to this file. The result is dist\hearth-VERSION-windows-x64-setup.exe; it
; installs per user (no administrator needed) or for everyone, adds Hearth to the Start menu, and
; its uninstaller leaves the user's settings, history and models (%APPDATA%, %LOCALAPPDATA%).
#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z hearth.iss
#endif

[Setup]
AppId={{5E0C9B1A-3F62-4C8E-9D7B-2A41F0E6C3D5}
AppName=Hearth
AppVersion={#AppVersion}
AppPublisher=Hearth developers
AppComments=Private, offline-first voice assistant for the home
DefaultDirName={autopf}\Hearth
DefaultGroupName=Hearth
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=hearth-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\build\icons\hearth.ico
UninstallDisplayIcon={app}\HearthApp.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\hearth\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Hearth"; Filename: "{app}\HearthApp.exe"
Name: "{autodesktop}\Hearth"; Filename: "{app}\HearthApp.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\HearthApp.exe"; Description: "{cm:LaunchProgram,Hearth}"; Flags: nowait postinstall skipifsilent
