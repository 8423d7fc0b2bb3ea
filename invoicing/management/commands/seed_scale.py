"""python manage.py seed_scale [--scale 0.01] [--months 60] [--settle-months 3] [--experts 5000]

National-scale made-up data for the benchmark (issue 19; ``benchmarks/scale.py`` builds it:
run from the repository, where ``benchmarks/`` is). Refuses a database that holds real users.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

ROOT = Path(__file__).resolve().parents[3]


def _scale(value: str) -> float:
    try:
        scale = float(value)
    except ValueError:
        scale = 0.0
    if not 0 < scale <= 10:
        raise ValueError(value)
    return scale


class Command(BaseCommand):
    help = (
        "Fill an empty database with national-scale made-up data: at --scale 1, 5,000 "
        "experts, 300 organisations with 2,000 units, about 250,000 bookings over five years, "
        "their gigs, invoices and fee payments, and 1,000,000 message-log rows. Refuses a "
        "database holding users that are not from this seed or the demo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=_scale, default=1.0, help="share of the national size, e.g. 0.01"
        )
        parser.add_argument("--months", type=int, default=60, help="months of history")
        parser.add_argument(
            "--settle-months",
            type=int,
            default=None,
            help="invoice and pay only this many months before last (default: every one)",
        )
        for name in ("experts", "organisations", "units", "messages"):
            parser.add_argument(f"--{name}", type=int, default=None, help=f"{name}, not scaled")
        parser.add_argument("--seed", type=int, default=19, help="random seed")

    def handle(self, *args, scale: float, months: int, settle_months, seed: int, **options):
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        try:
            from benchmarks import scale as builder
        except ImportError as exc:  # pragma: no cover - an installed copy without the repo
            raise CommandError("seed_scale runs from the repository (benchmarks/).") from exc
        if not 1 <= months <= 240:
            raise CommandError("--months is between 1 and 240.")
        if settle_months is not None and not 0 <= settle_months < months:
            raise CommandError("--settle-months is between 0 and --months minus one.")
        for name in ("experts", "organisations", "units", "messages"):
            if options[name] is not None and not 1 <= options[name] <= 10_000_000:
                raise CommandError(f"--{name} is between 1 and 10000000.")
        try:
            builder.seed(
                scale,
                months=months,
                seed=seed,
                settle=settle_months,
                sizes={
                    name: options[name]
                    for name in ("experts", "organisations", "units", "messages")
                },
                log=lambda text: self.stdout.write(text),
            )
        except builder.RealData as exc:
            raise CommandError(str(exc)) from exc
        for name, count in builder.counts().items():
            self.stdout.write(f"{name:>12}: {count:,}")
