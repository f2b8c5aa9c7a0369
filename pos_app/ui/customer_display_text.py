"""The cashier-side labels of the customer display: its settings and its toggle. The member's
own words are `pos_app/core/customer/words.py`, rendered in the member-facing language."""

from pos_app.core.translations import N_
from pos_app.ui.i18n import register

register(
    N_("settings.customer_display", "Customer display"),
    N_("settings.customer_display.auto", "On a second screen, when there is one"),
    N_("settings.customer_display.on", "Always (a window on this screen if there is only one)"),
    N_("settings.customer_display.off", "Off (Ctrl+Shift+D opens it)"),
    N_("settings.customer_language", "Customer display language"),
    N_("settings.customer_language.shop", "The shop's language"),
    N_("main.customer_display", "Customer display  (Ctrl+Shift+D)"),
    N_("main.customer_display_tip", "Show or hide the window facing the member"),
)
