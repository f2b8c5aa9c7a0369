"""What to say when a read or a settlement call fails: the contract's words from
`core.messages` for a refusal (plus the server's own sentence where it names the problem, as
for a period in the future), and a plain "no answer, try again" for a lost connection, since
a read moves no money and the payment words ("do not charge again") would mislead."""

from __future__ import annotations

from pos_app.core.api.errors import ApiError, NotSignedIn
from pos_app.core.messages import CATALOG, message_for

from ..i18n import Language

# Refusals whose generic words say too little: the server's sentence says which field.
_WITH_SERVER_SENTENCE = {"invalid_argument", "invalid_amount"}


def failure_words(error: BaseException, language: Language) -> str:
    if isinstance(error, NotSignedIn):
        return str(message_for("not_signed_in", language.code))
    if isinstance(error, ApiError):
        name = error.name if error.name in CATALOG else "unexpected"
        words = message_for(name, language.code)
        sentence = error.message.partition(": ")[2] or error.message
        if name in _WITH_SERVER_SENTENCE and sentence:
            # "Try again" would be wrong here: the same request is refused again. Say why instead.
            return f"{words.problem} {sentence}"
        return str(words)
    return f"{language.t('mgr.read_failed')} {language.t('mgr.try_again')}"
