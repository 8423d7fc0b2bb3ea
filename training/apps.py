from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

QUEUE_ROWS = 5


def _short_date(moment) -> str:
    from django.utils import formats, timezone

    return formats.date_format(timezone.localdate(moment), "SHORT_DATE_FORMAT")


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from experts.erasure import register
        from training import retention
        from training.erasure import TRAINING_ERASER

        register(TRAINING_ERASER)
        retention.register_rules()

    def expert_portal_panels(self, request, expert):
        """The expert's next training sessions and supervision on their start page."""
        from training.portal import expert_portal_panels

        return expert_portal_panels(request, expert)

    def nav_items(self, roles):
        from expertbank.roles import NavItem, Role

        items = [NavItem(_("My training"), "training:my_training", Role.EXPERT)]
        if Role.COORDINATOR in roles:
            return [
                NavItem(_("Training"), "training_coordinator:overview", Role.COORDINATOR),
                NavItem(_("My training sessions"), "training:home", Role.TRAINER),
                *items,
            ]
        return [NavItem(_("Training"), "training:home", Role.TRAINER), *items]

    def queue_panels(self, request):
        """Applications waiting for a decision; experts without work supervision (a query of rows
        each; the counts are taken with the other panels')."""
        from django.urls import reverse

        from expertbank.queue import QueuePanel, QueueRow, first_rows
        from training.selectors import applications_waiting, supervision_overdue

        waiting = applications_waiting()
        application_rows = [
            QueueRow(
                label=application.full_name,
                url=reverse("training_coordinator:application_detail", args=[application.pk]),
                note=f"{application.cohort.name} · {_short_date(application.created_at)}",
            )
            for application in waiting[:QUEUE_ROWS]
        ]
        overdue = supervision_overdue()
        supervision_url = reverse("training_coordinator:supervision")
        supervision_rows = [
            QueueRow(
                label=expert.name,
                url=supervision_url,
                note=(
                    _("last supervision %(date)s") % {"date": _short_date(expert.last_supervision)}
                    if expert.last_supervision
                    else _("no supervision yet")
                ),
            )
            for expert in first_rows(overdue, "user__full_name", "user__email", rows=QUEUE_ROWS)
        ]
        return [
            QueuePanel(
                title=_("Training applications waiting for a decision"),
                count=waiting,
                rows=application_rows,
                more_url=reverse("training_coordinator:application_list") + "?status=waiting",
                empty_text=_("No applications waiting."),
            ),
            QueuePanel(
                title=_("Experts without work supervision"),
                count=overdue,
                rows=supervision_rows,
                more_url=supervision_url,
                empty_text=_("Everyone has attended work supervision recently."),
            ),
        ]
