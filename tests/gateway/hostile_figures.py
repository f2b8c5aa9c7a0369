"""The hostile sweep's figures (cases per route, 5xx seen), printed at the end of the test run."""

from __future__ import annotations

FIGURES: dict[str, dict] = {}


def summary_lines() -> list[str]:
    if not FIGURES:
        return []
    total = sum(f["cases"] for f in FIGURES.values())
    errors = sum(f["5xx"] for f in FIGURES.values())
    lines = [f"hostile requests: {total} cases on {len(FIGURES)} routes, 5xx seen: {errors}"]
    for route, f in sorted(FIGURES.items()):
        statuses = " ".join(f"{s}:{n}" for s, n in sorted(f["statuses"].items()))
        lines.append(f"  {route:<44} cases {f['cases']:>5}  5xx {f['5xx']}  ({statuses})")
    return lines
