"""Create or remove the labelled synthetic dataset used by the benchmarks and the load test."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from bench import synthetic


class Command(BaseCommand):
    help = "Create synthetic (clearly labelled, not real) data of a size, or remove it; the real data is untouched."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(synthetic.SIZES), default="tiny")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--remove", action="store_true", help="delete the synthetic data and stop")
        parser.add_argument("--replace", action="store_true", help="remove any synthetic data first")

    def handle(self, *args, size, seed, remove, replace, **options):
        if remove or replace:
            synthetic.remove(log=self.stdout.write)
            if remove:
                return
        started = time.perf_counter()
        try:
            counts = synthetic.generate(size, seed, log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Synthetic {size} (seed {seed}): {counts['values']:,} values in {elapsed:.1f} s "
            f"({counts['values'] / elapsed:,.0f} per second)"
        )
