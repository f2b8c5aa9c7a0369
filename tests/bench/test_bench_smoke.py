"""A smoke run of every benchmark at tiny sizes: each figure of the one table is measured, and
the table and its JSON have their shape. Nothing here is about time (bench/ is for that)."""

from __future__ import annotations

import json
import math

import pytest

from bench import __main__ as bench_main

pytestmark = pytest.mark.slow

EXPECTED = ("per call: charge by QR", "latency: scan to receipt", "TPS: pgbench TPC-B", "TPS: charge",
            "TPS: hot card", "TPS: corporate card", "TPS: refund", "TPS: top-up",
            "QR 640x480 stills", "QR 1280x720 stills", "QR stream 1280x720", "busy year: generate",
            "busy year: merchant_daily_summary", "busy year: merchant_list_transactions, deep page",
            "busy year: generate_settlement", "busy year: merchant_close_shift", "app: mps-pos start",
            "app: sign-in to a shown cashier view",
            "app: RSS growth per sale")


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "results.json"
    return bench_main.run("smoke", out=out), out


def test_every_benchmark_measures_each_of_its_figures(smoke):
    table, _ = smoke
    figures = [r.figure for r in table.rows]
    for prefix in EXPECTED:
        assert any(f.startswith(prefix) for f in figures), prefix
    for r in table.rows:
        assert isinstance(r.value, float | int) and math.isfinite(r.value), r
        if r.anchor:
            assert r.anchor_value is not None and math.isfinite(r.anchor_value) and r.ratio is not None, r
        if r.goal:
            assert r.met in (True, False), r
    tps = {r.figure: r.value for r in table.rows if r.figure.startswith("TPS:") and r.unit == "tx/s"}
    assert all(v > 0 for v in tps.values()), tps  # each pgbench script ran transactions


def test_the_table_prints_one_line_per_figure_and_is_written_as_json(smoke):
    table, out = smoke
    text = table.render().splitlines()
    assert text[0].split() == ["figure", "value", "anchor", "ratio", "goal", "met"]
    assert len(text) == len(table.rows) + 2
    data = json.loads(out.read_text())
    assert data["meta"]["size"] == "smoke"
    assert [r["figure"] for r in data["rows"]] == [r.figure for r in table.rows]
    assert set(data["rows"][0]) >= {"figure", "value", "unit", "anchor", "anchor_value", "ratio", "goal", "met",
                                    "command"}


def test_an_unknown_part_is_refused():
    with pytest.raises(SystemExit):
        bench_main.main(["--only", "qr,nonsense"])
