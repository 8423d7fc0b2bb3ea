from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def nav_items(self, roles):
        from expertbank.roles import NavItem, Role

        return [NavItem(_("Training"), "training:home", Role.TRAINER)]
