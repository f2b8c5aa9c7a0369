"""The retry policy on its own: what is retried, how long it waits, and that it stops."""

from __future__ import annotations

import pytest

from pos_app.core.api.errors import ApiError, NotSignedIn, OutcomeUnknown, Unreachable
from pos_app.core.api.retry import RetryPolicy


def policy(**kwargs) -> tuple[RetryPolicy, list[float]]:
    waits: list[float] = []
    kwargs.setdefault("random", lambda: 1.0)
    return RetryPolicy(sleep=waits.append, **kwargs), waits


def failing(*errors):
    """An attempt that raises the given errors in turn, then returns 'ok'; counts its calls."""
    calls = []

    def attempt():
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return "ok"

    return attempt, calls


def test_unknown_outcomes_are_retried_until_success():
    p, waits = policy()
    attempt, calls = failing(OutcomeUnknown("timeout"), OutcomeUnknown("503", status=503))
    assert p.run(attempt, idempotent=True) == "ok"
    assert len(calls) == 3 and len(waits) == 2


def test_after_max_retries_the_last_error_is_raised():
    p, waits = policy(max_retries=2)
    attempt, calls = failing(*[OutcomeUnknown(f"try {i}") for i in range(5)])
    with pytest.raises(OutcomeUnknown, match="try 2"):
        p.run(attempt, idempotent=True)
    assert len(calls) == 3 and len(waits) == 2


def test_a_call_that_is_not_idempotent_is_not_retried_after_an_unknown_outcome():
    p, waits = policy()
    attempt, calls = failing(OutcomeUnknown("timeout"))
    with pytest.raises(OutcomeUnknown):
        p.run(attempt, idempotent=False)
    assert len(calls) == 1 and waits == []


def test_nothing_sent_is_retried_even_when_not_idempotent():
    p, _ = policy()
    attempt, calls = failing(Unreachable("connection refused"))
    assert p.run(attempt, idempotent=False) == "ok" and len(calls) == 2


@pytest.mark.parametrize("error", [ApiError(400, "MP002", "insufficient_balance: no"),
                                   ApiError(403, "42501", "forbidden: no"),
                                   ApiError(409, "23505", "duplicate"), NotSignedIn()])
def test_refusals_are_never_retried(error):
    p, waits = policy()
    attempt, calls = failing(error)
    with pytest.raises(type(error)):
        p.run(attempt, idempotent=True)
    assert len(calls) == 1 and waits == []


def test_too_many_requests_is_retried():
    p, _ = policy()
    attempt, calls = failing(ApiError(429, None, "slow down"))
    assert p.run(attempt, idempotent=True) == "ok" and len(calls) == 2


def test_backoff_doubles_and_is_capped():
    p, _ = policy(initial_delay=0.5, max_delay=4.0)
    assert [p.delay(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_jitter_takes_between_half_and_all_of_the_delay_but_never_below_the_initial_delay():
    low, _ = policy(random=lambda: 0.0)
    high, _ = policy(random=lambda: 1.0)
    assert low.delay(3) == 2.0 and high.delay(3) == 4.0
    assert low.delay(0) == 0.5  # half of 0.5 would be under the floor


def test_retry_after_is_honoured_when_reasonable():
    p, waits = policy(max_retry_after=10.0)
    assert p.delay(0, retry_after=3.0) == 3.0
    assert p.delay(0, retry_after=60.0) == 0.5
    attempt, _ = failing(OutcomeUnknown("busy", status=503, retry_after=3.0))
    p.run(attempt, idempotent=True)
    assert waits == [3.0]


def test_a_retry_after_too_long_for_a_counter_gives_up_at_once():
    p, waits = policy(max_retry_after=10.0)
    attempt, calls = failing(OutcomeUnknown("busy", status=503, retry_after=120.0))
    with pytest.raises(OutcomeUnknown):
        p.run(attempt, idempotent=True)
    assert len(calls) == 1 and waits == []


def test_no_network_after_an_unanswered_try_is_still_an_unknown_outcome():
    """'Nothing was sent' is true of the last try only: the first may yet be applied."""
    p, _ = policy(max_retries=2)
    attempt, _ = failing(OutcomeUnknown("read timeout"), Unreachable("refused"), Unreachable("refused"))
    with pytest.raises(OutcomeUnknown) as caught:
        p.run(attempt, idempotent=True)
    assert isinstance(caught.value.__cause__, Unreachable)


def test_only_no_network_from_the_start_is_reported_as_unreachable():
    p, _ = policy(max_retries=1)
    attempt, _ = failing(Unreachable("refused"), Unreachable("refused"))
    with pytest.raises(Unreachable):
        p.run(attempt, idempotent=True)


def test_a_refusal_after_an_unanswered_try_is_flagged_for_the_caller_to_settle():
    p, _ = policy()
    refusal = ApiError(400, "MP004", "qr_expired: expired")
    attempt, _ = failing(OutcomeUnknown("read timeout"), refusal)
    with pytest.raises(ApiError) as caught:
        p.run(attempt, idempotent=True)
    assert caught.value is refusal and refusal.after_unknown is True
    fresh = ApiError(400, "MP004", "qr_expired: expired")
    with pytest.raises(ApiError):
        p.run(failing(fresh)[0], idempotent=True)
    assert fresh.after_unknown is False


def test_a_second_round_after_an_unanswered_first_still_tells_the_truth():
    # The client's second round after a token refresh: the first round's unanswered try may
    # still be applied, so this round's refusal is flagged and its "no network" is unknown.
    p, _ = policy(max_retries=0)
    refusal = ApiError(400, "MP001", "insufficient_balance: no")
    with pytest.raises(ApiError) as caught:
        p.run(failing(refusal)[0], idempotent=True, unanswered=True)
    assert caught.value.after_unknown is True
    with pytest.raises(OutcomeUnknown):
        p.run(failing(Unreachable("refused"))[0], idempotent=True, unanswered=True)
