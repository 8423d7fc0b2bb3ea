from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertbankConfig(AppConfig):
    name = "expertbank"
    verbose_name = _("Expert bank")
