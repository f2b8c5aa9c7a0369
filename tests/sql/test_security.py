"""Grants, RLS and SECURITY DEFINER hygiene, read from the catalog rather than by eye."""

from decimal import Decimal

import pytest

from .rpc import charge

API_ROLES = ("anon", "authenticated")
WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")

TABLES_SQL = """
    select format('%I.%I', n.nspname, c.relname) as tbl, c.relrowsecurity as rls
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('app', 'audit') and c.relkind in ('r', 'p')
    order by 1
"""


def test_there_are_tables_to_check(db):
    tables = [r["tbl"] for r in db.q(TABLES_SQL)]
    for expected in ("app.transactions", "app.cards", "app.idempotency_registry", "audit.event_log",
                     "app.card_qr_state", "app.card_qr_history", "app.merchant_users"):
        assert expected in tables


def test_rls_is_enabled_on_every_table(db):
    assert [r["tbl"] for r in db.q(TABLES_SQL) if not r["rls"]] == []


def test_api_roles_hold_no_write_privilege_on_any_table_or_column(db):
    offenders = []
    for row in db.q(TABLES_SQL):
        for role in API_ROLES:
            for priv in WRITES:
                if db.one("select has_table_privilege(%s, %s, %s)", (role, row["tbl"], priv)):
                    offenders.append((role, row["tbl"], priv))
            for priv in ("INSERT", "UPDATE"):
                if db.one("select has_any_column_privilege(%s, %s, %s)", (role, row["tbl"], priv)):
                    offenders.append((role, row["tbl"], f"column {priv}"))
    assert offenders == []


@pytest.mark.parametrize("role", API_ROLES)
def test_direct_writes_fail_for_api_roles(db, world, role):
    shop = world.merchant()
    alice = world.member(balance="10")
    if role == "authenticated":
        db.as_user(shop.owner.user_id)
    else:
        db.as_anon()
    attempts = [
        ("insert into app.cards (card_type) values ('standard')", None),
        ("update app.cards set balance = 1000000 where id = %s", (alice.card_id,)),
        ("delete from app.transactions", None),
        ("insert into audit.event_log (actor_role, action, entity_type) values ('x', 'y', 'z')", None),
        ("update app.merchant_users set role = 'owner'", None),
        ("truncate app.idempotency_registry", None),
    ]
    for sql, params in attempts:
        with db.raises("42501"):
            db.q(sql, params)
    assert world.balance(alice.card_id) == Decimal("10.00")


def test_anon_can_execute_no_security_definer_function(db):
    rows = db.q("""
        select p.oid::regprocedure::text as fn
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where p.prosecdef and n.nspname not in ('pg_catalog', 'information_schema')
          and has_function_privilege('anon', p.oid, 'EXECUTE')
    """)
    assert rows == []


def test_every_security_definer_function_pins_an_empty_search_path(db):
    rows = db.q("""
        select p.oid::regprocedure::text as fn, p.proconfig
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where p.prosecdef and n.nspname in ('public', 'app', 'audit')
    """)
    assert len(rows) >= 15
    bad = [r for r in rows if 'search_path=""' not in (r["proconfig"] or [])]
    assert bad == []


def test_public_rpcs_are_not_executable_by_public(db):
    rows = db.q("""
        select p.oid::regprocedure::text as fn
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public'
          and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                      where a.grantee = 0 and a.privilege_type = 'EXECUTE')
    """)
    assert rows == []


def test_internal_helpers_are_not_callable_by_api_roles(db):
    rows = db.q("""
        select p.oid::regprocedure::text as fn
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname in ('app', 'audit')
          and p.proname not in ('my_merchant_ids', 'my_managed_merchant_ids')
          and (has_function_privilege('anon', p.oid, 'EXECUTE')
               or has_function_privilege('authenticated', p.oid, 'EXECUTE'))
    """)
    assert rows == []


def test_an_operator_reads_only_its_own_merchants_rows(db, world):
    a, b = world.merchant(), world.merchant()
    alice = world.member(balance="100")
    ta = charge(db, a, world.qr(alice.card_id), "10", key="a")
    tb = charge(db, b, world.qr(alice.card_id), "10", key="b")
    charge(db, a, world.qr(alice.card_id), "5", key="a-by-manager", op=a.manager)

    db.as_user(a.manager.user_id)
    seen = {r["id"] for r in db.q("select id from app.transactions")}
    assert ta["tx_id"] in {str(x) for x in seen} and tb["tx_id"] not in {str(x) for x in seen}
    assert len(seen) == 2
    assert {r["code"] for r in db.q("select code from app.merchants")} == {a.code}
    assert {r["merchant_id"] for r in db.q("select merchant_id from app.merchant_users")} == {a.id}

    db.as_user(a.cashier.user_id)  # a cashier sees only what they rang up
    assert {str(r["id"]) for r in db.q("select id from app.transactions")} == {ta["tx_id"]}

    stranger = world.user()
    db.as_user(stranger.user_id)
    assert db.q("select id from app.transactions") == []
    with db.raises("42501"):
        db.q("select * from app.cards")
    with db.raises("42501"):
        db.q("select * from audit.event_log")

    db.as_anon()
    with db.raises("42501"):
        db.q("select * from app.transactions")


def test_the_audit_log_is_append_only_even_for_its_owner(db, world):
    world.merchant()
    with db.raises("42501"):
        db.q("update audit.event_log set action = 'x'")
    with db.raises("42501"):
        db.q("delete from audit.event_log")
    with db.raises("42501"):
        db.q("truncate audit.event_log")


def test_service_role_cannot_write_tables_directly_either(db, world):
    alice = world.member(balance="10")
    db.as_service()
    with db.raises("42501"):
        db.q("update app.cards set balance = 0 where id = %s", (alice.card_id,))
