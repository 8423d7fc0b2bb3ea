from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Dashboards and reports; reads every other app, and no app imports it."""

    name = "reports"
    verbose_name = _("Reports and dashboards")
