"""The shell's words (settings, sign-in, main window, status bar) (English source text; every other
language is a catalog in `pos_app/locale/`)."""

from pos_app.core.translations import N_

from .i18n import register

register(
    # Settings dialog
    N_("settings.title", "Counter settings"),
    N_("settings.intro", "Connect this counter to your shop's payment server."),
    N_("settings.url", "Supabase URL"),
    N_("settings.api_key", "API key (anon)"),
    N_("settings.merchant", "Merchant code"),
    N_("settings.terminal", "Terminal name"),
    N_("settings.camera", "Camera number"),
    N_("settings.printer", "Receipt printer"),
    N_("settings.printer_ask", "(ask when printing)"),
    N_("settings.escpos", "Thermal printer (ESC/POS)"),
    N_("settings.language", "Language"),
    N_("settings.save", "&Save"),
    N_("settings.cancel", "Cancel"),
    N_("settings.required", "Fill in the {field}."),
    N_("settings.bad", "{field}: {problem}"),
    N_("settings.save_failed", "Could not save the settings: {problem}"),
    # Sign-in dialog
    N_("signin.title", "Sign in"),
    N_("signin.shop", "{terminal} · merchant {merchant}"),
    N_("signin.email", "Email"),
    N_("signin.password", "Password"),
    N_("signin.submit", "&Sign in"),
    N_("signin.busy", "Signing in…"),
    N_("signin.resuming", "Resuming the last session…"),
    N_("signin.settings", "Se&ttings…"),
    N_("signin.need_both", "Enter your email and password."),
    # Main window
    N_("main.title", "MPS cashier — {merchant}"),
    N_("main.tab_cashier", "Cash&ier"),
    N_("main.tab_manager", "&Manager"),
    N_("main.sign_out", "Sign &out"),
    N_("main.language_tip", "Switch language (F12)"),
    N_("main.sign_out_tip", "Sign out of this counter (Ctrl+Shift+Q)"),
    N_("main.no_cashier", "The cashier screen is not installed in this build."),
    N_("main.recover_checking", "Checking sales left open by the last run…"),
    N_("main.recover_done",
       "Sale of {amount} from the last run went through: it was charged. Its receipt is in the list."),
    N_("main.recover_voided", "Sale of {amount} from the last run was not charged: ring it up again."),
    N_("main.recover_pending", "Sale of {amount} from the last run is still open: {words}"),
    N_("main.recover_split_done", "Split sale of {sale} from the last run went through: {card} by card and"
       " {cash} in cash. Its receipt is in the list."),
    N_("main.recover_split_card_only", "Split sale of {sale} from the last run: {card} was charged to the card;"
       " the cash part {cash} is not recorded yet: {words}"),
    N_("main.recover_split_cash_done", "Split sale of {sale} from the last run: its cash part {cash} is now"
       " recorded. Its receipt is in the list."),
    N_("main.recover_split_cash_open", "Split sale of {sale} from the last run: the card part is paid; the cash"
       " part {cash} is not recorded yet: {words}"),
    N_("main.recover_split_voided", "Split sale of {sale} from the last run was not charged, neither card nor"
       " cash: ring it up again."),
    N_("main.recover_split_pending", "Split sale of {sale} from the last run is still open (card part first,"
       " then cash): {words}"),
    N_("main.recover_topup_done", "Top-up of {amount} from the last run went through: the card was credited."),
    N_("main.recover_topup_voided", "Top-up of {amount} from the last run did not happen: the card was not"
       " credited. Top it up again, or give the cash back."),
    N_("main.recover_topup_pending", "Top-up of {amount} from the last run is still open: {words}"),
    N_("main.recover_refund_done", "Refund of {amount} from the last run went through: the money is back on"
       " the card."),
    N_("main.recover_refund_voided", "Refund of {amount} from the last run did not happen: nothing went back"
       " to the card. Refund it again if it is still owed."),
    N_("main.recover_refund_pending", "Refund of {amount} from the last run is still open: {words}"),
    N_("main.recover_pay_in_done", "Pay-in of {amount} from the last run is recorded in the shift."),
    N_("main.recover_pay_in_voided", "Pay-in of {amount} from the last run was not recorded: record it again."),
    N_("main.recover_pay_in_pending", "Pay-in of {amount} from the last run is still open: {words}"),
    N_("main.recover_pay_out_done", "Pay-out of {amount} from the last run is recorded in the shift."),
    N_("main.recover_pay_out_voided", "Pay-out of {amount} from the last run was not recorded: record it"
       " again."),
    N_("main.recover_pay_out_pending", "Pay-out of {amount} from the last run is still open: {words}"),
    N_("main.recover_drop_done", "Cash drop of {amount} from the last run is recorded in the shift."),
    N_("main.recover_drop_voided", "Cash drop of {amount} from the last run was not recorded: record it"
       " again."),
    N_("main.recover_drop_pending", "Cash drop of {amount} from the last run is still open: {words}"),
    N_("main.recover_failed", "Could not check the sales left open: {words}"),
    N_("main.dismiss", "Dismiss"),
    # Status bar
    N_("status.unknown", "● Checking connection…"),
    N_("status.online", "● Online"),
    N_("status.degraded", "● Unstable connection"),
    N_("status.offline", "● Offline — do not scan"),
    N_("status.operator", "{email} ({role})"),
    N_("status.terminal", "Terminal {terminal}"),
    N_("status.keyring", "Closing the app signs you out: sign in again next time"),
    N_("role.cashier", "cashier"),
    N_("role.manager", "manager"),
    N_("role.owner", "owner"),
)
