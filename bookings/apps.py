from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def nav_items(self, roles):
        from expertbank.roles import NavItem, Role

        return [NavItem(_("Our bookings"), "bookings:unit_home", Role.UNIT_MEMBER)]
