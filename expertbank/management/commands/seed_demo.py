"""Fill the database with demo data; running it again changes nothing.

Each app keeps its own part in ``<app>/demo.py`` with a ``seed(*, log)`` function; this command
runs them in ``INSTALLED_APPS`` order (the dependency order), so the core imports no domain app.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create demo users, organisations and experts (idempotent)."

    def handle(self, *args, **options) -> None:
        def log(line: str) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"  {line}")

        with transaction.atomic():
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                import_module(module_name).seed(log=log)
        self.stdout.write(self.style.SUCCESS("Demo data is in place (see README.md for logins)."))
