from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ExpertbankConfig(AppConfig):
    name = "expertbank"
    verbose_name = _("Expert bank")

    def ready(self) -> None:
        from expertbank import idle_timeout  # noqa: F401 (connects the login signal)
        from expertbank.permissions import coordinator_permissions_sync
        from expertbank.retention import register_core_rules

        register_core_rules()

        # Every app, not only this one: permissions of later apps exist only after their turn.
        post_migrate.connect(coordinator_permissions_sync, dispatch_uid="coordinator_permissions")
