"""The one table every benchmark adds its rows to: a figure, the anchor it is measured against in
the same run, their ratio, the goal, and whether it is met. Printed, and written as JSON."""

from __future__ import annotations

import json
import operator
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

_OPS = {"<=": operator.le, ">=": operator.ge, "==": operator.eq}


@dataclass
class Row:
    figure: str
    value: float
    unit: str
    anchor: str = ""
    anchor_value: float | None = None
    goal: str = ""
    """'ratio <= 0.8', 'value <= 10', 'value == 0' or '' (reported, no goal)."""
    command: str = "make bench"
    note: str = ""
    ratio: float | None = field(default=None, init=False)
    met: bool | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.anchor_value:
            self.ratio = self.value / self.anchor_value
        if self.goal:
            what, op, target = self.goal.split()
            x = self.ratio if what == "ratio" else self.value
            self.met = None if x is None else bool(_OPS[op](x, float(target)))


class Table:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, *args, **kw) -> Row:
        row = Row(*args, **kw)
        self.rows.append(row)
        return row

    def render(self) -> str:
        head = ("figure", "value", "anchor", "ratio", "goal", "met")
        lines = []
        for r in self.rows:
            anchor = f"{r.anchor} {_num(r.anchor_value)}" if r.anchor else ""
            met = {True: "yes", False: "NO", None: ""}[r.met]
            lines.append((r.figure, f"{_num(r.value)} {r.unit}", anchor,
                          "" if r.ratio is None else f"{r.ratio:.3f}", r.goal, met))
        widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(head)]
        fmt = "  ".join(f"{{:{'>' if i in (1, 3) else '<'}{w}}}" for i, w in enumerate(widths))
        out = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
        out += [fmt.format(*line) for line in lines]
        return "\n".join(out)

    def write_json(self, path: Path, meta: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"meta": meta, "rows": [asdict(r) for r in self.rows]}, indent=2) + "\n")


def _num(x: float | None) -> str:
    if x is None:
        return ""
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}" if abs(x) < 0.01 and x else f"{x:.2f}"


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), by linear interpolation; the median for q=50."""
    if not values:
        return float("nan")
    if q == 50:
        return statistics.median(values)
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)
