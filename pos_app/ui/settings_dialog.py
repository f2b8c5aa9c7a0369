"""The counter's settings form (after Vorta's `repo_add.py`): `values` is what is typed, as
`Settings`; `validate()` writes the first problem into the dialog's label. Saving is the
caller's decision."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from pos_app.core.customer.placement import MODES as CUSTOMER_DISPLAY_MODES
from pos_app.core.settings import Settings, SettingsError
from pos_app.core.translations import LANGUAGES

from . import customer_display_text, lock_text, shell_text  # noqa: F401 - registers the labels
from .i18n import Language, language_name

# Fields the counter cannot work without, with their label keys.
REQUIRED = (("supabase_url", "settings.url"), ("api_key", "settings.api_key"), ("merchant_code", "settings.merchant"))
FIELD_LABELS = dict(REQUIRED, terminal_name="settings.terminal", camera_index="settings.camera",
                    printer_name="settings.printer", escpos_device="settings.escpos", language="settings.language",
                    customer_display="settings.customer_display", customer_language="settings.customer_language",
                    lock_after_seconds="settings.lock_after")


class SettingsDialog(QDialog):
    def __init__(self, language: Language, settings: Settings, printers: list[str] = (), parent=None):
        super().__init__(parent)
        self._language = language
        self._base = settings
        self.setMinimumWidth(560)

        self.intro = QLabel(wordWrap=True)
        self.url = QLineEdit(settings.supabase_url, placeholderText="https://<ref>.supabase.co")
        self.api_key = QLineEdit(settings.api_key)
        self.merchant = QLineEdit(settings.merchant_code, placeholderText="SHOP001")
        self.terminal = QLineEdit(settings.terminal_name)
        self.camera = QSpinBox(minimum=0, maximum=9, value=settings.camera_index)
        self.printer = QComboBox(editable=True)
        self.printer.addItems(["", *printers])
        self.printer.setCurrentText(settings.printer_name)
        self.escpos = QLineEdit(settings.escpos_device, placeholderText="/dev/usb/lp0")
        self.language_box = QComboBox()
        for code in LANGUAGES:
            self.language_box.addItem(language_name(code), code)
        self.language_box.setCurrentIndex(LANGUAGES.index(settings.language))
        self.customer_display = QComboBox()
        for mode in CUSTOMER_DISPLAY_MODES:
            self.customer_display.addItem("", mode)
        self.customer_display.setCurrentIndex(max(0, self.customer_display.findData(settings.customer_display)))
        self.customer_language = QComboBox()
        for code in ("", *LANGUAGES):
            self.customer_language.addItem(language_name(code) if code else "", code)
        self.customer_language.setCurrentIndex(max(0, self.customer_language.findData(settings.customer_language)))
        # Minutes here; the setting is in seconds (a test, a demo may want less than a minute).
        self.lock_after = QSpinBox(minimum=0, maximum=240, value=round(settings.lock_after_seconds / 60),
                                   objectName="lockAfter")
        self.problem = QLabel(wordWrap=True, objectName="problem")
        self.problem.setStyleSheet("color: #b00020; font-weight: bold;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)

        self.form = QFormLayout()
        self._rows = [("settings.url", self.url), ("settings.api_key", self.api_key),
                      ("settings.merchant", self.merchant), ("settings.terminal", self.terminal),
                      ("settings.camera", self.camera), ("settings.printer", self.printer),
                      ("settings.escpos", self.escpos), ("settings.language", self.language_box),
                      ("settings.customer_display", self.customer_display),
                      ("settings.customer_language", self.customer_language),
                      ("settings.lock_after", self.lock_after)]
        for _key, widget in self._rows:
            widget.setMinimumHeight(40)  # touch targets
            self.form.addRow(QLabel(), widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        language.changed.connect(self.relabel)
        self.relabel()

    def relabel(self, *_: object) -> None:
        t = self._language.t
        self.setWindowTitle(t("settings.title"))
        self.intro.setText(t("settings.intro"))
        for row, (key, _widget) in enumerate(self._rows):
            self.form.itemAt(row, QFormLayout.LabelRole).widget().setText(t(key))
        self.printer.setItemText(0, t("settings.printer_ask"))
        for index, mode in enumerate(CUSTOMER_DISPLAY_MODES):
            self.customer_display.setItemText(index, t(f"settings.customer_display.{mode}"))
        self.customer_language.setItemText(0, t("settings.customer_language.shop"))
        self.buttons.button(QDialogButtonBox.Save).setText(t("settings.save"))
        self.buttons.button(QDialogButtonBox.Cancel).setText(t("settings.cancel"))

    @property
    def values(self) -> Settings:
        """What the form holds, unchecked."""
        printer = self.printer.currentText().strip()
        return replace(self._base, supabase_url=self.url.text().strip(), api_key=self.api_key.text().strip(),
                       merchant_code=self.merchant.text().strip(), terminal_name=self.terminal.text().strip(),
                       camera_index=self.camera.value(),
                       printer_name="" if printer == self.printer.itemText(0) else printer,
                       escpos_device=self.escpos.text().strip(), language=self.language_box.currentData(),
                       customer_display=self.customer_display.currentData(),
                       customer_language=self.customer_language.currentData(),
                       lock_after_seconds=self._lock_after_seconds())

    def _lock_after_seconds(self) -> int:
        minutes = self.lock_after.value()
        unchanged = minutes == round(self._base.lock_after_seconds / 60)
        return self._base.lock_after_seconds if unchanged else minutes * 60

    def validate(self) -> bool:
        """Whether the values can be saved; if not, the first problem is in `problem`."""
        values = self.values
        t = self._language.t
        for name, key in REQUIRED:
            if not getattr(values, name):
                return self._show(t("settings.required", field=t(key)))
        try:
            values.validated()
        except SettingsError as e:
            return self._show(t("settings.bad", field=t(FIELD_LABELS.get(e.field, "settings.title")),
                                problem=e.problem))
        self.problem.clear()
        return True

    def show_problem(self, text: str) -> None:
        self._show(text)

    def _show(self, text: str) -> bool:
        self.problem.setText(text)
        return False

    def _accept_if_valid(self) -> None:
        if self.validate():
            self.accept()
