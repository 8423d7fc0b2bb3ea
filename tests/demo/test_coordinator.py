"""The demo shows the coordinator's booking work: a request a coordinator entered on a unit's
behalf (its history says so) and the demo expert's offer closed because the booking was
covered (with the kind message in her mail)."""

from django.urls import reverse
from django.utils import translation

from bookings.models import Assignment, Booking
from bookings.services.requests import entered_on_behalf_note
from bookings.services.staffing import covered_note
from expertbank.demo import DEMO_DOMAIN
from expertbank.models import Message, User


def test_the_demo_has_a_request_entered_for_a_unit_and_an_offer_closed_as_covered(client):
    coordinator = User.objects.get(email=f"koordinaattori@{DEMO_DOMAIN}")
    with translation.override("fi"):
        entered, covered = entered_on_behalf_note(coordinator), covered_note()

    booking = Booking.objects.get(title="Asukasilta: kokemuspuheenvuoro asunnottomuudesta")
    first = booking.changes.order_by("at", "pk").first()
    assert (booking.requested_by, first.by, first.note) == (None, coordinator, entered)
    client.force_login(coordinator)
    page = client.get(reverse("bookings_coordinator:detail", args=[booking.pk])).content.decode()
    assert entered in page

    closed = Assignment.objects.get(
        expert__user__email=f"asiantuntija@{DEMO_DOMAIN}",
        booking__title="Puheenvuoro: päihdetyön teemapäivä",
    )
    assert closed.status == Assignment.Status.EXPIRED
    row = closed.changes.order_by("pk").last()
    assert (row.by, row.note) == (None, covered)
    assert closed.booking.assignments.filter(status=Assignment.Status.ACCEPTED).count() == 1
    mail = Message.objects.get(key=f"booking-offer-closed:{closed.pk}")
    assert mail.status == Message.Status.SENT
    assert closed.booking.title in mail.body
