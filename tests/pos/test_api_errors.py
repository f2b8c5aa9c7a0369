"""The typed errors: names the contract promises, what the counter does with each, and no
secret in any text."""

from __future__ import annotations

import httpx
import pytest

from pos_app.core.api.errors import ApiError, AuthError, OutcomeUnknown, Unreachable, error_for_response

QR = "MPSQR1.3f9a0c5e7b1d2a4c6e8f0a1b.q8Zx-3kLm_0PaVb7RtYw2nHs5JcD9eFg"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


def response(status: int, body: bytes | str, **headers: str) -> httpx.Response:
    content = body.encode() if isinstance(body, str) else body
    return httpx.Response(status, content=content, headers=headers,
                          request=httpx.Request("POST", "http://gw.test/rest/v1/rpc/f"))


def test_business_error_is_named_by_its_message_prefix():
    e = ApiError(400, "MP002", "insufficient_balance: the card balance 20.00 is less than 20.01")
    assert (e.name, e.is_business, e.is_forbidden, e.needs_sign_in) == ("insufficient_balance", True, False, False)


def test_42501_is_forbidden_whatever_its_message():
    for message in ("forbidden: a cashier cannot refund", "permission denied for function merchant_refund_tx"):
        e = ApiError(403, "42501", message)
        assert (e.name, e.is_forbidden, e.is_business) == ("forbidden", True, False)


def test_postgrest_codes_are_their_own_name():
    e = ApiError(404, "PGRST202", "Could not find the function public.nope in the schema cache")
    assert (e.name, e.is_business) == ("PGRST202", False)


def test_an_mp_code_without_a_prefix_falls_back_to_the_code():
    assert ApiError(400, "MP013", "something odd").name == "MP013"


def test_401_needs_sign_in_and_jwt_codes_ask_for_a_refresh():
    assert ApiError(401, "42501", "permission denied").needs_sign_in
    expired = ApiError(401, "PGRST303", "JWT expired")
    assert expired.needs_sign_in and expired.is_jwt_rejected
    assert not ApiError(401, "42501", "permission denied").is_jwt_rejected


def test_no_payment_code_or_token_reaches_a_message_or_repr():
    e = ApiError(400, "MP003", f"qr_invalid: {QR} is unknown", details=f"token {JWT}", hint=QR)
    u = OutcomeUnknown(f"lost while sending {QR}")
    for text in (str(e), repr(e), str(u), repr(u), repr(Unreachable(JWT)), repr(AuthError(400, "x", JWT))):
        assert "q8Zx-3kLm" not in text and JWT not in text and "[redacted]" in text
    assert e.name == "qr_invalid"


def test_a_postgrest_error_body_becomes_an_api_error_with_the_status():
    e = error_for_response(response(400, '{"code":"MP004","message":"qr_expired: the code expired",'
                                         '"details":null,"hint":"ask for a new code"}'))
    assert isinstance(e, ApiError)
    assert (e.status, e.code, e.name, e.details, e.hint) == (400, "MP004", "qr_expired", None, "ask for a new code")


@pytest.mark.parametrize("status", [500, 502, 503, 504, 520])
def test_a_server_error_is_an_unknown_outcome_with_the_api_error_as_cause(status):
    e = error_for_response(response(status,
                                    '{"code":"57014","message":"canceling statement","details":null,"hint":null}'))
    assert isinstance(e, OutcomeUnknown) and e.status == status and e.code == "57014"
    assert isinstance(e.__cause__, ApiError)


@pytest.mark.parametrize("status", [200, 400, 502])
def test_a_body_that_is_not_json_is_an_unknown_outcome(status):
    e = error_for_response(response(status, "<html>Bad gateway</html>"))
    assert isinstance(e, OutcomeUnknown) and e.status == status


def test_an_empty_body_with_proxy_status_names_the_error():
    e = error_for_response(response(406, b"", **{"Proxy-Status": "PostgREST; error=PGRST116"}))
    assert isinstance(e, ApiError) and (e.status, e.code) == (406, "PGRST116")


def test_retry_after_is_read_in_seconds():
    e = error_for_response(response(503, "busy", **{"Retry-After": "2"}))
    assert isinstance(e, OutcomeUnknown) and e.retry_after == 2.0
    assert error_for_response(response(503, "busy",
                                       **{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})).retry_after is None
