"""The weighted average of marks: one rule for the grid, the diary, the summary sheet and every export.

Σ(value × weight) / Σ weight over numeric marks («зачёт/незачёт» do not count), rounded half up to two
decimals — the way a teacher rounds by hand: one 5 and seven 4s (all of weight 1) give 4,125 → **4,13**.
Shown with the Russian decimal comma. A mean of period marks (the summary sheet) is the same average with
every weight 1.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def weighted_average(marks: Iterable[tuple[int | None, Decimal | int]]) -> Decimal | None:
    """``marks``: ``(value, weight)`` pairs; ``None`` values (pass/fail) are left out. ``None`` if no mark counts."""
    total = weight_sum = Decimal(0)
    for value, weight in marks:
        if value is not None:
            total += value * Decimal(weight)
            weight_sum += Decimal(weight)
    if not weight_sum:
        return None
    return (total / weight_sum).quantize(CENT, rounding=ROUND_HALF_UP)


def mean(values: Iterable[int]) -> Decimal | None:
    """The plain mean (every weight 1), rounded like ``weighted_average``."""
    return weighted_average((value, 1) for value in values)


def average_text(average: Decimal | None) -> str:
    """«4,13»; «» for no average."""
    return "" if average is None else f"{average:.2f}".replace(".", ",")
