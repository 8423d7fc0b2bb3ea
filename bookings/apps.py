from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from bookings.erasure import BOOKINGS_ERASER
        from bookings.retention import register_rules
        from bookings.services.sms_answers import sms_answer
        from expertbank.sms import inbound_handlers
        from experts.erasure import register

        register(BOOKINGS_ERASER)
        register_rules()
        if sms_answer not in inbound_handlers:
            inbound_handlers.append(sms_answer)

    def nav_items(self, roles):
        from expertbank.roles import MANAGEMENT, NavItem, Role

        return [
            NavItem(_("Bookings"), "bookings_coordinator:list", Role.COORDINATOR),
            NavItem(_("Reports"), "bookings_coordinator:reports", Role.COORDINATOR),
            NavItem(
                _("Organisations"),
                "bookings_coordinator:organisations",
                Role.COORDINATOR,
                MANAGEMENT,
            ),
            NavItem(_("Customer panels"), "bookings_coordinator:panels", Role.COORDINATOR),
            NavItem(_("Our bookings"), "bookings:unit_home", Role.UNIT_MEMBER),
            NavItem(_("Customer panels"), "bookings:panels", Role.UNIT_MEMBER),
            NavItem(_("My gigs"), "bookings_expert:home", Role.EXPERT),
        ]

    def queue_panels(self, request):
        from bookings.queue import booking_queue_panels

        return booking_queue_panels(request)

    def digest_changes(self, *, since, until):
        """What changed on the booking side for the coordinator's daily digest."""
        from bookings.digest import booking_digest_changes

        return booking_digest_changes(since=since, until=until)

    def expert_portal_panels(self, request, expert):
        from bookings.portal import expert_portal_panels

        return expert_portal_panels(request, expert)

    def experts_with_pair_progress(self, experts):
        """Pairs (issue 17): the gigs each expert has done, for the experts list's badge."""
        from bookings.selectors.pairs import with_pair_progress

        return with_pair_progress(experts)

    def experts_in_pairs(self, experts, *, value: bool):
        from bookings.selectors.pairs import in_pairs

        return in_pairs(experts, value=value)

    def consent_withdrawn(self, *, expert, by, at):
        """``experts.services.consent_withdraw`` asks this in its transaction."""
        from bookings.services.consent import consent_withdrawn_impl

        return consent_withdrawn_impl(expert=expert, by=by, at=at)
