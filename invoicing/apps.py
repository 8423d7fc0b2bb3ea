from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "invoicing"
    verbose_name = _("Invoicing")

    def ready(self) -> None:
        from experts.erasure import register
        from invoicing.erasure import INVOICING_ERASER

        register(INVOICING_ERASER)

    def nav_items(self, roles):
        from expertbank.roles import MONEY, NavItem, Role

        return [
            NavItem(_("Invoices"), "invoicing_coordinator:list", Role.COORDINATOR, MONEY),
            NavItem(_("Fees"), "invoicing_coordinator:fee_statements", Role.COORDINATOR, MONEY),
            NavItem(_("Invoices"), "invoicing_unit:list", Role.UNIT_MEMBER),
            NavItem(_("My payments"), "invoicing_expert:home", Role.EXPERT),
        ]

    def booking_money_notes(self, bookings):
        """What the invoices say about the money of ``bookings`` (``bookings.settlement``)."""
        from invoicing.booking_money import booking_money_notes

        return booking_money_notes(bookings)

    def queue_panels(self, request):
        from invoicing.fee_queue import fee_queue_panels
        from invoicing.queue import invoicing_queue_panels

        return invoicing_queue_panels(request) + fee_queue_panels(request)
