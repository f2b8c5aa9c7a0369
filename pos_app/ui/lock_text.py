"""The words of the lock screen and of setting a PIN (English source text; every other language
is a catalog in `pos_app/locale/`)."""

from pos_app.core.translations import N_

from .i18n import register

register(
    # The lock screen / switching cashier
    N_("lock.title", "Counter locked"),
    N_("lock.intro", "Who is at the counter? Choose your name (arrows or type), then your PIN."),
    N_("lock.operators", "Operator"),
    N_("lock.pin", "PIN"),
    N_("lock.unlock", "&Unlock"),
    N_("lock.password", "Sign in with &password…"),
    N_("lock.needs_password", "{name} — password needed"),
    N_("lock.no_pin", "No PIN was set for this operator here: press Enter to sign in with the password."),
    N_("lock.checking", "Checking the PIN…"),
    N_("lock.switching", "Switching to {name}…"),
    N_("lock.waiting", "A sale is still being sent: the switch happens as soon as it has its answer."),
    N_("lock.none", "No operator has a PIN on this terminal yet: sign in with the password."),
    # The main window's lock button
    N_("main.lock", "Loc&k"),
    N_("main.lock_tip", "Lock the counter or switch cashier (Ctrl+L)"),
    # Setting a PIN
    N_("pin.title", "Set your PIN"),
    N_("pin.intro",
       "Choose a PIN of 4 to 8 digits. Next time, switching to you at this terminal takes the PIN, "
       "not the password."),
    N_("pin.first", "New PIN"),
    N_("pin.again", "Same PIN again"),
    N_("pin.save", "&Save PIN"),
    N_("pin.later", "Not now"),
    # Settings
    N_("settings.lock_after", "Lock after idle (minutes, 0 = never)"),
)
