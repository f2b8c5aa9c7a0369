"""The words of the parts both views use (keys `shift_doc.*`: a shift's report window): the
English source text; every other language is a catalog in `pos_app/locale/`."""

from __future__ import annotations

from pos_app.core.translations import N_

from ..i18n import register

register(
    N_("shift_doc.title", "Shift report"),
    N_("shift_doc.print", "&Print…"),
    N_("shift_doc.thermal", "&Thermal printer"),
    N_("shift_doc.thermal_none", "No thermal printer is set up (Settings)."),
    N_("shift_doc.pdf", "Save P&DF…"),
    N_("shift_doc.text", "Save te&xt…"),
    N_("shift_doc.close", "&Close"),
    N_("shift_doc.printed", "Sent to the printer."),
    N_("shift_doc.print_failed", "Printing failed: {reason}"),
    N_("shift_doc.saved", "Saved: {path}"),
)
