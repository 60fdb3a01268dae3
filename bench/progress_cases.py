"""Benchmark: the progress engine on 10,000 targets with 20 years of figures each.

    python -m bench.progress_cases [--targets 10000] [--years 20] [--runs 5]

Pure Python, no database: it times `progress.evaluate` alone, on synthetic
targets of every kind (levels, shares, lower-is-better, average growth, period
totals of flows and of reductions, linked targets) and prints the median and the
fastest run. The goal is under 1 second for 10,000 targets × 20 years.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import TypedDict

from indicators.progress.engine import Observation, TargetSpec, evaluate


class Kind(TypedDict, total=False):
    """The fields of TargetSpec that make a kind of target."""

    measure: str
    comparator: str
    direction: str
    cumulative: bool
    annual_average: bool
    linked: bool


KINDS: list[Kind] = [
    {"measure": "level"},
    {"measure": "share", "comparator": "about"},
    {"measure": "level", "direction": "lower"},
    {"measure": "growth", "annual_average": True},
    {"measure": "flow", "cumulative": True},
    {"measure": "reduction", "cumulative": True},
    {"measure": "growth", "linked": True, "annual_average": True},
]


Case = tuple[TargetSpec, list[Observation], Sequence[Observation]]


def synthetic(targets: int, years: int, seed: int = 2035) -> list[Case]:
    """Targets over the last five years of a `years`-year series, as Decimals like the database gives."""
    rng = random.Random(seed)
    first = 2026 - years
    cases: list[Case] = []
    for i in range(targets):
        kind = KINDS[i % len(KINDS)]
        series = [Observation(first + y, Decimal(f"{rng.uniform(1, 100):.2f}")) for y in range(years)]
        linked: Sequence[Observation] = (
            [Observation(o.year, Decimal(f"{rng.uniform(1, 10):.2f}")) for o in series] if kind.get("linked") else ()
        )
        spec = TargetSpec(
            target_year=2027,
            period_start=2023,
            target_value=None if kind.get("linked") else Decimal(f"{rng.uniform(1, 100):.2f}"),
            baseline_value=Decimal(f"{rng.uniform(1, 100):.2f}"),
            baseline_year=2022,
            **kind,
        )
        cases.append((spec, series, linked))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cases = synthetic(args.targets, args.years)
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        for spec, series, linked in cases:
            evaluate(spec, series, linked_series=linked)
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    print(f"progress engine: {args.targets} targets x {args.years} years, {args.runs} runs")
    print(f"  median {median:.3f} s, fastest {min(timings):.3f} s  ({args.targets / median:,.0f} targets/s)")
    print(f"  goal: under 1 s -> {'met' if median < 1 else 'MISSED'}")
    print(f"  machine: {platform.python_implementation()} {platform.python_version()} on {platform.machine()}")


if __name__ == "__main__":
    main()
