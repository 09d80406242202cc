"""The targets of issue 7 and the verdict on a scenario's result: measured by the run, never asserted in tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    metric: str
    op: str  # "<=" or ">="
    value: float
    label: str

    def check(self, result: dict) -> bool | None:
        value = result.get(self.metric)
        if value is None:
            return None
        return value <= self.value if self.op == "<=" else value >= self.value

    def miss(self, result: dict) -> str:
        value = result[self.metric]
        if self.op == "<=":
            return f"{self.label}: {value:g} — over by {value - self.value:g} ({value / self.value:.1f}×)"
        return f"{self.label}: {value:g} — short by {self.value - value:g} ({value / self.value:.0%} of it)"


KB = 1024
TARGETS: dict[str, list[Target]] = {
    "grid": [
        Target("p50_c1_ms", "<=", 20, "p50 ≤ 20 ms"),
        Target("rps_c4", ">=", 60, "≥ 60 req/s at c4"),
        Target("bytes", "<=", 150 * KB, "≤ 150 KB"),
        Target("floor_ratio", "<=", 5, "≤ 5× floor"),
    ],
    "cell": [Target("p50_c1_ms", "<=", 15, "p50 ≤ 15 ms")],
    "attendance": [Target("p50_c1_ms", "<=", 20, "p50 ≤ 20 ms")],
    "week": [
        Target("p50_c1_ms", "<=", 10, "p50 ≤ 10 ms"),
        Target("rps_c4", ">=", 150, "≥ 150 req/s at c4"),
        Target("floor_ratio", "<=", 5, "≤ 5× floor"),
    ],
    "marks": [
        Target("p50_c1_ms", "<=", 10, "p50 ≤ 10 ms"),
        Target("rps_c4", ">=", 150, "≥ 150 req/s at c4"),
        Target("floor_ratio", "<=", 5, "≤ 5× floor"),
    ],
    "dashboard": [Target("p50_c1_ms", "<=", 50, "p50 ≤ 50 ms")],
    "pdf_class": [Target("p50_c1_ms", "<=", 1000, "≤ 1 s")],
    "pdf_school": [Target("seconds", "<=", 60, "≤ 60 s")],
    "nightly": [Target("seconds_20", "<=", 30, "20 schools ≤ 30 s")],
}


def verdict(name: str, result: dict) -> tuple[str, list[str]]:
    """«ok», «miss» or «—» (nothing to compare), and the misses in words."""
    checks = [(t, t.check(result)) for t in TARGETS.get(name, [])]
    misses = [t.miss(result) for t, ok in checks if ok is False]
    if misses:
        return "miss", misses
    return ("ok" if any(ok for _t, ok in checks) else "—"), []
