"""Signing in at the counter on the stand-in: the operator's role, the words for each failure,
nothing kept that cannot sell; and the services wiring the monitor to every call."""

import httpx
import pytest

from pos_app.core import services
from pos_app.core.api.errors import AuthError, OutcomeUnknown, Unreachable
from pos_app.core.connectivity import Link
from pos_app.core.messages import CATALOG, message_for
from pos_app.core.session import signin
from pos_app.core.session.store import MemorySessionStore
from pos_app.core.settings import Paths, Settings
from pos_app.core.translations import LANGUAGES

from .api_shop import build_shop, client_for


def test_every_sign_in_problem_has_words_in_every_language():
    for name in signin.PROBLEMS:
        assert name in CATALOG
        for language in LANGUAGES:
            assert message_for(name, language) != message_for(name, "en") or language == "en"


@pytest.mark.parametrize("error, name", [
    (AuthError(400, "invalid_credentials", "Invalid login credentials"), "invalid_credentials"),
    (AuthError(400, "email_not_confirmed", "Email not confirmed"), "sign_in_refused"),
    (Unreachable("ConnectError to host"), "sign_in_offline"),
    (OutcomeUnknown("ReadTimeout"), "sign_in_no_answer"),
    (ValueError("boom"), "unexpected"),
])
def test_each_failure_is_named_for_the_sign_in_screen(error, name):
    assert signin.problem_name(error) == name


def test_a_cashier_signs_in_and_learns_role_and_shop(shop):
    store = MemorySessionStore()
    op = signin.sign_in(client_for(shop, session_store=store), f"  {shop.cashier.email} ", shop.cashier.password)
    assert (op.role, op.merchant_code, op.can_manage) == ("cashier", shop.code, False)
    assert op.merchant_name == f"Test shop {shop.code}" and op.email == shop.cashier.email
    assert store.load() is not None and store.load().user_id == shop.cashier.user_id


def test_a_wrong_password_keeps_nothing(shop):
    store = MemorySessionStore()
    with pytest.raises(signin.SignInFailed) as caught:
        signin.sign_in(client_for(shop, session_store=store), shop.cashier.email, "not-the-password")
    assert caught.value.problem == "invalid_credentials" and store.load() is None


def test_an_operator_of_another_shop_is_signed_out_again(shop, gateway):
    other = build_shop(gateway)
    store = MemorySessionStore()
    with pytest.raises(signin.SignInFailed) as caught:
        signin.sign_in(client_for(other, session_store=store), shop.manager.email, shop.manager.password)
    assert caught.value.problem == "not_an_operator" and store.load() is None


def test_a_kept_session_resumes_with_the_role_and_nothing_kept_resumes_nothing(shop):
    store = MemorySessionStore()
    signin.sign_in(client_for(shop, session_store=store), shop.manager.email, shop.manager.password)
    op = signin.resume(client_for(shop, session_store=store))
    assert op is not None and op.role == "manager" and op.can_manage
    assert signin.resume(client_for(shop, session_store=MemorySessionStore())) is None


def test_resuming_offline_keeps_the_session_for_later(shop):
    store = MemorySessionStore()
    signin.sign_in(client_for(shop, session_store=store), shop.cashier.email, shop.cashier.password)

    def refuse(request):
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(signin.SignInFailed) as caught:
        signin.resume(client_for(shop, session_store=store, transport=httpx.MockTransport(refuse)))
    assert caught.value.problem == "sign_in_offline" and store.load() is not None


def test_services_tell_the_monitor_about_every_call(shop, tmp_path):
    settings = Settings(supabase_url=shop.gateway.url, api_key=shop.gateway.anon_key, merchant_code=shop.code)
    svc = services.build(settings, Paths(tmp_path / "c", tmp_path / "d", tmp_path / "l"), MemorySessionStore())
    try:
        assert svc.monitor.status.link is Link.UNKNOWN
        op = signin.sign_in(svc.client, shop.cashier.email, shop.cashier.password)
        assert svc.monitor.status.link is Link.ONLINE
        sale = svc.sale_for(op)
        assert sale is svc.sale_for(op) and sale.counter.terminal == "POS-1"
        assert sale.counter.merchant_code == shop.code and sale.counter.operator == shop.cashier.email
        assert (tmp_path / "d" / "journal" / services.JOURNAL_FILE).is_file()
    finally:
        svc.close()
