"""The window's dialogs: settings, the first-run check, privacy, shortcuts and About.

Each dialog is opened once and raised when asked again (two settings dialogs saving over each
other would lose changes), is non-modal (the assistant keeps working behind it), and is forgotten
when it closes so the next one starts from the current settings. Saving settings is where the
engine may have to be rebuilt, so that decision lives here too, next to the dialog that asks.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from assistant import __version__
from assistant import config as config_module
from assistant.config import CloudConfig, Config
from assistant.egress import EGRESS_FILE
from assistant.events import Event, EventType
from assistant.home.model import Home
from assistant.licenses import LICENSES_INDEX, bundled_licenses_dir, default_model_licences
from ui.app_services import AppServices
from ui.bridge import EngineBridge
from ui.shortcuts import ShortcutsDialog

if TYPE_CHECKING:  # imported when first opened: the first paint does not wait for them
    from assistant.examples import Example
    from assistant.runtime import Runtime
    from ui.first_run import FirstRunChoices, FirstRunDialog
    from ui.privacy_view import PrivacyDialog
    from ui.say_dialog import SayDialog
    from ui.settings_dialog import SettingsContext, SettingsDialog

VOICE_LATER = " Microphone, wake word and voice settings take effect when voice is available."


def _raise(dialog: QDialog) -> None:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()


class WindowDialogs(QObject):
    """Opens, raises and forgets the window's dialogs, and applies what settings saves."""

    def __init__(
        self,
        window: QWidget,
        bridge: EngineBridge,
        services: AppServices,
        home: Callable[[], Home | None],
        voice_available: Callable[[], bool],
        show_status: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.bridge = bridge
        self.services = services
        self._home = home
        self._voice_available = voice_available
        self._show_status = show_status
        self.settings: SettingsDialog | None = None
        self.first_run: FirstRunDialog | None = None
        self.privacy: PrivacyDialog | None = None
        self.shortcuts: ShortcutsDialog | None = None
        self.say: SayDialog | None = None
        bridge.event_received.connect(self._on_event)
        bridge.runtime_reloading.connect(self._close_privacy)

    def _config(self) -> Config:
        """The settings the dialogs start from: the saved ones, else the running engine's."""
        factory = self.services.factory
        if factory is not None:
            return factory.config
        runtime = self.bridge.runtime
        return runtime.config if runtime is not None else Config()

    def close_all(self) -> None:
        for dialog in (self.privacy, self.settings, self.first_run, self.shortcuts, self.say):
            if dialog is not None:
                dialog.close()

    # -- settings ------------------------------------------------------------------------------------

    def _settings_context(self) -> SettingsContext:
        from ui.settings_dialog import SettingsContext

        factory = self.services.factory
        path = factory.config_path if factory is not None else config_module.config_path()
        home = self._home()
        return SettingsContext(
            config=self._config(),
            config_path=path,
            load_sounddevice=self.services.load_sounddevice,
            preferences=self.services.preferences,
            areas=tuple(home.areas.values()) if home is not None else (),
            session_home=factory.home_file if factory is not None else None,
        )

    def show_settings(self) -> SettingsDialog:
        """Open (or raise) the settings; saving applies what it can at once."""
        if self.settings is None:
            from ui.settings_dialog import SettingsDialog

            self.settings = SettingsDialog(self._settings_context(), self.window)
            self.settings.saved.connect(self.apply_config)
            self.settings.finished.connect(self._settings_closed)
        _raise(self.settings)
        return self.settings

    def _settings_closed(self) -> None:
        if self.settings is not None:
            self.settings.deleteLater()
            self.settings = None

    def apply_config(self, config: Config) -> None:
        """Use saved settings: rebuild the engine (on the worker) when the home or cloud changed."""
        factory = self.services.factory
        rebuild = factory.apply(config) if factory is not None else False
        if rebuild and factory is not None and self.bridge.reload(factory):
            self._show_status("Settings saved; applying them…")
        else:
            later = "" if self._voice_available() else VOICE_LATER
            self._show_status(f"Settings saved.{later}")

    # -- what can I say? -----------------------------------------------------------------------------

    def show_say(self) -> SayDialog:
        """Help → What can I say? (F1): this home's examples; a click runs one."""
        if self.say is None:
            from ui.say_dialog import SayDialog

            self.say = SayDialog(self.window)
            self.say.chosen.connect(self._try_example)
            self.say.finished.connect(self._say_closed)
            runtime = self.bridge.runtime
            if runtime is None:
                self.say.show_problem("Hearth is still starting; open this again in a moment")
            else:
                dialog = self.say
                self.bridge.submit_background(
                    lambda: _understood_examples(runtime),
                    dialog.show_examples,
                    dialog.show_problem,
                )
        _raise(self.say)
        return self.say

    def _try_example(self, text: str) -> None:
        if not self.bridge.send_text(text):
            self._show_status("Hearth is not ready for commands yet.")

    def _say_closed(self) -> None:
        if self.say is not None:
            self.say.deleteLater()
            self.say = None

    # -- first run ----------------------------------------------------------------------------------

    def show_first_run(self) -> FirstRunDialog:
        """The guided check; non-modal, so the window stays usable behind it."""
        if self.first_run is None:
            from ui.first_run import FirstRunDialog

            dialog = FirstRunDialog(
                self._config(),
                self.services.load_sounddevice,
                self.services.preferences,
                parent=self.window,
            )
            dialog.choices_made.connect(self.save_first_run_choices)
            dialog.finished.connect(self._first_run_closed)
            self.first_run = dialog
        self.first_run.show()
        self.first_run.raise_()
        return self.first_run

    def _first_run_closed(self) -> None:
        if self.first_run is not None:
            self.first_run.deleteLater()
            self.first_run = None

    def save_first_run_choices(self, choices: FirstRunChoices) -> None:
        """The first-run check's choices, saved to the config file like a settings change."""
        factory = self.services.factory
        if factory is None:
            return
        config = choices.apply_to(factory.config)
        try:
            config_module.save(config, factory.config_path)
        except OSError as err:
            self._show_status(f"The first-run choices were not saved: {err}")
            return
        self.apply_config(config)

    # -- privacy, shortcuts, about -------------------------------------------------------------------

    def show_privacy(self) -> PrivacyDialog:
        """Open (or raise) the privacy view; it stays open and updates as requests leave."""
        if self.privacy is None:
            from ui.privacy_view import PrivacyDialog

            runtime = self.bridge.runtime
            cloud = runtime.config.cloud if runtime is not None else CloudConfig()
            path = config_module.data_dir() / EGRESS_FILE
            self.privacy = PrivacyDialog(path, cloud, self.window)
            self.privacy.finished.connect(self._privacy_closed)
        self.privacy.show()
        self.privacy.raise_()
        return self.privacy

    def _privacy_closed(self) -> None:
        if self.privacy is not None:
            self.privacy.deleteLater()
            self.privacy = None

    def _close_privacy(self) -> None:
        """A reload may change the cloud settings the privacy view describes."""
        if self.privacy is not None:
            self.privacy.close()

    def _on_event(self, event: Event) -> None:
        if event.type is EventType.CLOUD_REQUEST and self.privacy is not None:
            self.privacy.refresh()

    def show_shortcuts(self) -> ShortcutsDialog:
        if self.shortcuts is None:
            self.shortcuts = ShortcutsDialog(self.window)
        self.shortcuts.show()
        self.shortcuts.raise_()
        return self.shortcuts

    def show_about(self) -> None:
        QMessageBox.about(
            self.window,
            "About Hearth",
            f"<b>Hearth {__version__}</b> — a private, offline-first voice assistant for the "
            "home.<br>"
            "Everything runs on this computer unless you turn cloud help on." + _licences_html(),
        )


def _understood_examples(runtime: Runtime) -> list[Example]:
    """On the worker: the home's example sentences that the intent engine understands."""
    from assistant.examples import examples

    conversation = runtime.conversation
    return examples(runtime.backend.home(), lambda text: conversation.recognize(text) is not None)


def _licences_html() -> str:
    """About's licence part: the default models' licences and where all the others are."""
    models = "<br>".join(
        f"{escape(m.model_id)}: {escape(m.license)}" for m in default_model_licences()
    )
    folder = bundled_licenses_dir()
    if folder is not None:
        where = (
            "Licences of every bundled library and model: "
            f"<tt>{escape(str(folder / LICENSES_INDEX))}</tt>"
        )
    else:
        where = "Licences of the libraries: in each installed package's metadata."
    return (
        f"<p>Hearth is licensed under Apache-2.0.</p><p><b>Models</b><br>{models}</p><p>{where}</p>"
    )
