from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

QUEUE_ROWS = 5


class ExpertsConfig(AppConfig):
    name = "experts"
    verbose_name = _("Experts")

    def ready(self) -> None:
        from experts import erasure, retention

        erasure.register(erasure.EXPERTS_ERASER)
        retention.register_rules()

    def nav_items(self, roles):
        from expertbank.roles import NavItem, Role

        return [
            NavItem(_("My page"), "experts:portal_home", Role.EXPERT),
            NavItem(_("Experts"), "experts_coordinator:list", Role.COORDINATOR),
        ]

    def queue_panels(self, request):
        """Documents of active experts that have expired or expire within 60 days (a query of
        rows; the count is taken with the other panels')."""
        from django.urls import reverse
        from django.utils import timezone
        from django.utils.formats import date_format
        from django.utils.http import urlencode

        from expertbank.queue import QueuePanel, QueueRow, first_rows
        from expertbank.roles import Role, has_role
        from experts.filters import DocumentState
        from experts.selectors import documents_expiring

        if not has_role(request.user, Role.COORDINATOR):
            return []
        today = timezone.localdate()
        documents = documents_expiring(today=today)
        rows = []
        shown = ("kind", "valid_until", "expert__user__full_name", "expert__user__email")
        for document in first_rows(documents, *shown, rows=QUEUE_ROWS):
            until = date_format(document.valid_until, "SHORT_DATE_FORMAT")
            if document.valid_until < today:
                note = _("%(document)s: expired %(date)s")
            else:
                note = _("%(document)s: valid until %(date)s")
            rows.append(
                QueueRow(
                    label=document.expert.name,
                    url=reverse("experts_coordinator:detail", args=[document.expert_id]),
                    note=note % {"document": document.get_kind_display(), "date": until},
                )
            )
        query = urlencode({"documents": DocumentState.EXPIRING, "status": "active"})
        return [
            QueuePanel(
                title=_("Expiring documents"),
                count=documents,
                rows=rows,
                more_url=f"{reverse('experts_coordinator:list')}?{query}",
                empty_text=_("No documents expiring within 60 days."),
            )
        ]
