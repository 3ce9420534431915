#!/bin/sh
# Hearth's macOS disk image, from the app PyInstaller made (dist/Hearth.app):
#
#   python packaging/make_icon.py build/icons
#   pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller packaging/hearth.spec
#   sh packaging/macos/build_dmg.sh 0.1.0        # -> dist/Hearth-0.1.0-macos-arm64.dmg
#
# The command line is the app's own program: Hearth.app/Contents/MacOS/Hearth --help.
#
# The dmg holds Hearth.app and a link to /Applications to drag it onto. Unsigned, Gatekeeper
# refuses to open it from a download; SIGNING.md beside this file says how to sign and notarize
# it (set CODESIGN_IDENTITY to sign the app here before the image is made).
set -eu
VERSION=${1:?usage: build_dmg.sh VERSION}
APP=dist/Hearth.app
DMG="dist/Hearth-$VERSION-macos-$(uname -m).dmg"
HERE=$(cd "$(dirname "$0")" && pwd)
[ -d "$APP" ] || { echo "build_dmg: no $APP (run pyinstaller packaging/hearth.spec first)" >&2; exit 2; }

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    codesign --force --deep --options runtime --timestamp \
        --entitlements "$HERE/entitlements.plist" --sign "$CODESIGN_IDENTITY" "$APP"
    codesign --verify --deep --strict "$APP"
fi

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "Hearth $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
echo "$DMG"
