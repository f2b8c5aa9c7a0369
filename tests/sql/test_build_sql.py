"""The two shipped SQL files are what server_sql/src gives: regenerated in memory and compared
byte for byte, so an edit to a shipped file (or a source not regenerated) fails here."""

from pathlib import Path

from tools import build_sql


def test_the_shipped_files_are_not_stale():
    built = build_sql.build()
    assert set(built) == {"mps_schema.sql", "mps_rpc.sql"}
    for name, text in built.items():
        shipped = (build_sql.SQL_DIR / name).read_bytes()
        assert shipped == text.encode("utf-8"), (
            f"server_sql/{name} is stale: edit server_sql/src/*/{build_sql.PARTS[name]}, "
            f"then run `{build_sql.COMMAND}` (make sql)")


def test_each_shipped_file_says_it_is_generated_and_by_what():
    for name in build_sql.PARTS:
        head = (build_sql.SQL_DIR / name).read_text(encoding="utf-8")[:400]
        assert "GENERATED FILE: do not edit" in head and build_sql.COMMAND in head, name


def test_every_domain_source_lands_in_its_shipped_file_in_folder_order():
    folders = build_sql.domains()
    assert [f.name[3:] for f in folders] == [
        "setup", "members", "qr", "merchants", "money", "points", "settlements", "shifts", "jobs"]
    for name, part in build_sql.PARTS.items():
        text = build_sql.build()[name]
        places = [text.index(f"-- server_sql/src/{f.name}/{part}\n") for f in folders if (f / part).is_file()]
        assert places == sorted(places), name
        for f in folders:
            if (f / part).is_file():
                assert (f / part).read_text(encoding="utf-8").strip("\n") in text, f / part


def test_check_mode_fails_on_a_stale_file_and_writes_nothing(tmp_path: Path, monkeypatch, capsys):
    (tmp_path / "mps_schema.sql").write_text("-- edited by hand\n", encoding="utf-8")
    (tmp_path / "mps_rpc.sql").write_bytes(build_sql.build()["mps_rpc.sql"].encode("utf-8"))
    monkeypatch.setattr(build_sql, "SQL_DIR", tmp_path)
    assert build_sql.main(["--check"]) == 1
    assert "stale: mps_schema.sql" in capsys.readouterr().err
    assert (tmp_path / "mps_schema.sql").read_text(encoding="utf-8") == "-- edited by hand\n"
    assert build_sql.main([]) == 0
    assert build_sql.main(["--check"]) == 0
