from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Dashboards and reports; reads every other app, and no app imports it."""

    name = "reports"
    verbose_name = _("Reports and dashboards")

    def nav_items(self, roles):
        from expertbank.roles import NavItem, Role

        return [NavItem(_("Dashboard"), "reports_coordinator:dashboard", Role.COORDINATOR)]

    def queue_panels(self, request):
        from reports.queue import dashboard_panels

        return dashboard_panels(request)
