"""Remove personal data that has outlived its retention period (the daily beat task's work)."""

from django.core.management.base import BaseCommand, CommandError

from expertbank.retention import retention_run, rules


class Command(BaseCommand):
    help = (
        "Remove what has passed its retention period: applications not accepted, old messages, "
        "expired documents, import files, and the kept accounting records of erased experts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be removed; change nothing."
        )
        parser.add_argument(
            "--only",
            action="append",
            metavar="RULE",
            help="Run only this rule (repeatable): "
            + ", ".join(rule.key for rule in rules() if rule.sweep),
        )

    def handle(self, *args, dry_run: bool = False, only: list[str] | None = None, **options):
        try:
            counts = retention_run(dry_run=dry_run, keys=only)
        except KeyError as exc:
            raise CommandError(f"No such retention rule: {exc.args[0]}") from exc
        verb = "would remove" if dry_run else "removed"
        for key, count in counts.items():
            self.stdout.write(f"{key}: {verb} {count}")
