from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "experts"
    verbose_name = _("Experts")

    def nav_items(self, roles):
        from expertbank.roles import NavItem, Role

        return [NavItem(_("My page"), "experts:portal_home", Role.EXPERT)]
