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

    def queue_panels(self, request):
        """Messages failed for good, with the reason: the coordinator retries or follows up."""
        from urllib.parse import urlencode

        from django.urls import reverse

        from expertbank.message_log import messages_failed
        from expertbank.queue import QueuePanel, QueueRow

        failed = messages_failed()
        rows = [
            QueueRow(
                label=f"{message.subject or message.kind} → {message.to}",
                url=reverse("message_log")
                + "?"
                + urlencode({"status": "failed", "q": message.key}),
                note=message.error[:120],
            )
            for message in failed[:5]
        ]
        return [
            QueuePanel(
                title=_("Messages that could not be sent"),
                count=failed,
                rows=rows,
                more_url=reverse("message_log") + "?status=failed",
                empty_text=_("Every message has gone."),
            )
        ]
