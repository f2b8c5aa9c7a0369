"""Every RPC carries a `comment on function` (PostgREST's OpenAPI and Supabase's dashboard show
it), and re-applying the SQL leaves an unchanged comment alone (app.deploy_comment)."""

PUBLIC_FUNCTIONS = """
select p.oid::regprocedure::text as sig, pg_catalog.obj_description(p.oid, 'pg_proc') as comment
from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where n.nspname = 'public'
order by 1
"""


def test_every_public_function_has_a_short_comment(db):
    with db.superuser():
        rows = db.q(PUBLIC_FUNCTIONS)
    assert len(rows) >= 30
    missing = [r["sig"] for r in rows if not (r["comment"] or "").strip()]
    assert not missing, f"public functions without `comment on function` (app.deploy_comment in rpc.sql): {missing}"
    long = [r["sig"] for r in rows if len(r["comment"]) > 200 or "\n" in r["comment"]]
    assert not long, f"comments longer than one short line: {long}"


def test_each_comment_names_who_may_call(db):
    """The one fact a client needs first: who may call it (contract §2)."""
    with db.superuser():
        rows = db.q(PUBLIC_FUNCTIONS)
    who = ("Service role", "service role", "Cashier", "Manager", "Owner", "Its cashier")
    vague = [r["sig"] for r in rows if not any(w in r["comment"] for w in who)]
    assert not vague, f"comments that do not say who may call: {vague}"
