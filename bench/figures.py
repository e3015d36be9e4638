"""How the benchmark prints: one line per figure, the CSMS beside the baseline and the
ratio between them (CSMS / baseline), so a line can be quoted on its own; and a line
that says plainly when a scenario was not measured."""

from __future__ import annotations

from collections.abc import Callable, Sequence

Output = Callable[[str], None]
LABEL_WIDTH = 38


def figure(
    out: Output,
    scenario: str,
    label: str,
    csms: float | None,
    baseline: float | None,
    *,
    better: str | None,
) -> None:
    """``better``: ``higher`` or ``lower``, printed so a reader knows which way the
    ratio should go; None when neither is."""
    ratio = f"{csms / baseline:.2f}x" if csms is not None and baseline not in (None, 0) else "n/a"
    out(
        f"{scenario} {label:<{LABEL_WIDTH}} csms {_value(csms):>9}  baseline {_value(baseline):>9}"
        f"  ratio {ratio}" + (f" ({better} is better)" if better else "")
    )


def only(out: Output, scenario: str, label: str, value: float | None, note: str = "") -> None:
    """A figure that has no baseline counterpart."""
    out(f"{scenario} {label:<{LABEL_WIDTH}} {_value(value):>9}{'  ' + note if note else ''}")


def not_measured(out: Output, scenario: str, title: str, why: str) -> None:
    out(f"{scenario} {title}: NOT MEASURED ({why})")


def _value(value: float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) or abs(value) >= 10_000:
        return f"{value:.0f}"
    return f"{value:.1f}"


def percentile(values: Sequence[float], rank: float) -> float | None:
    """The ``rank``-th percentile of ``values`` by nearest rank, as the load simulator
    reports its own; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, -(-len(ordered) * rank // 100) - 1))
    return ordered[int(index)]
