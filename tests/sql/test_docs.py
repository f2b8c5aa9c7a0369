"""The two documents exist, and the handbook has a heading for every RPC the database exposes."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HANDBOOK = ROOT / "docs" / "supabase_rpc.md"
ARCHITECTURE = ROOT / "docs" / "Architecture.md"
RPC_SQL = ROOT / "server_sql" / "mps_rpc.sql"

# What the installed database exposes: public SECURITY DEFINER functions (bootstrap.sql defines
# none; auth.* and extensions.* live in other schemas).
EXPOSED_SQL = """
select distinct p.proname
from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where n.nspname = 'public' and p.prosecdef
"""


def headed_functions() -> set[str]:
    """Names under `### \\`name\\`` headings: one per RPC section of the handbook."""
    return set(re.findall(r"^###\s+`([a-z_][a-z0-9_]*)`\s*$", HANDBOOK.read_text(), re.M))


def defined_in_rpc_sql() -> set[str]:
    text = RPC_SQL.read_text()
    return set(re.findall(r"^create (?:or replace )?function public\.([a-z_][a-z0-9_]*)\s*\(", text, re.M | re.I))


def test_documents_exist_and_are_not_empty():
    for doc in (HANDBOOK, ARCHITECTURE):
        assert doc.is_file(), doc
        assert len(doc.read_text()) > 2000, f"{doc.name} is a stub"


def test_every_exposed_rpc_has_a_handbook_heading(db):
    with db.superuser():
        exposed = {r["proname"] for r in db.q(EXPOSED_SQL)}
    missing = exposed - headed_functions()
    assert not missing, f"RPCs without a `### \\`name\\`` heading in docs/supabase_rpc.md: {sorted(missing)}"


def test_every_function_in_mps_rpc_sql_is_exposed_and_documented(db):
    defined = defined_in_rpc_sql()
    assert len(defined) >= 20
    with db.superuser():
        exposed = {r["proname"] for r in db.q(EXPOSED_SQL)}
    assert defined <= exposed, f"defined but not SECURITY DEFINER in public: {sorted(defined - exposed)}"
    assert defined <= headed_functions(), f"undocumented: {sorted(defined - headed_functions())}"


def test_no_heading_documents_a_function_that_does_not_exist():
    stale = headed_functions() - defined_in_rpc_sql()
    assert not stale, f"the handbook documents RPCs that mps_rpc.sql does not define: {sorted(stale)}"


def test_handbook_covers_the_error_model_idempotency_and_qr_format():
    text = HANDBOOK.read_text()
    for code in [f"MP{n:03d}" for n in range(1, 16)] + ["42501"]:
        assert code in text, code
    for must in ("## Errors", "## Idempotency", "## QR payment codes", "MPSQR1.",
                 "## Decisions the contract left open", "from supabase import create_client"):
        assert must in text, must


def test_architecture_has_the_diagrams():
    text = ARCHITECTURE.read_text()
    blocks = re.findall(r"```mermaid\n(.*?)```", text, re.S)
    kinds = {b.split(None, 1)[0] for b in blocks}
    assert {"erDiagram", "sequenceDiagram", "stateDiagram-v2", "flowchart"} <= kinds, kinds
    for topic in ("## Schemas and tables", "## The life of a charge", "## The life of a refund",
                  "## QR token lifecycle", "## Security model", "## Settlement periods"):
        assert topic in text, topic


def test_each_rpc_section_says_who_may_call_it_how_it_fails_and_shows_python():
    sections = re.split(r"^### ", HANDBOOK.read_text(), flags=re.M)[1:]
    for section in sections:
        body = re.split(r"^## ", section, flags=re.M)[0]
        name = section.split("\n", 1)[0]
        assert "**Who:**" in body, name
        assert "**Errors:**" in body, name
        assert "```python" in body and "rpc(" in body, name
