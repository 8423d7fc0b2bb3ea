from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Dashboards and reports; reads every other app, and no app imports it."""

    name = "reports"
    verbose_name = _("Reports and dashboards")

    def nav_items(self, roles):
        from expertbank.roles import NavItem, Role

        return [
            NavItem(_("Dashboard"), "reports_coordinator:dashboard", Role.COORDINATOR),
            NavItem(_("In figures"), "reports_unit:report", Role.UNIT_MEMBER),
            NavItem(_("My work in figures"), "reports_expert:record", Role.EXPERT),
        ]

    def queue_panels(self, request):
        from reports.queue import dashboard_panels

        return dashboard_panels(request)
