"""The demo shows the coordinator's register and the money of closed bookings: organisations, a
deactivated unit, a price list with two dated versions, closed bookings that say 'paid on …'."""

from django.urls import reverse

from bookings.models import Booking, PriceList, Unit
from expertbank.models import User


def test_the_demo_shows_the_register_and_what_is_true_about_money(client, english_pages):
    coordinator = User.objects.filter(groups__name="coordinators").order_by("pk").first()
    client.force_login(coordinator)
    organisations = client.get(reverse("bookings_coordinator:organisations")).content.decode()
    assert "Vantaan kaupunki" in organisations and "Päihdetyön Tuki ry" in organisations
    gone = Unit.objects.get(name="Kotihoito, Hakunila")
    assert not gone.active
    units = client.get(reverse("bookings_coordinator:units")).content.decode()
    assert "Kotihoito, Hakunila" in units and "deactivated" in units
    general = PriceList.objects.get(name="Yleinen hinnasto")
    page = client.get(reverse("bookings_coordinator:price_list", args=[general.pk]))
    assert page.content.decode().count("Version from") == 2
    funding = client.get(reverse("bookings_coordinator:funding_sources")).content.decode()
    assert "Kokemus mukaan" in funding
    closed = Booking.objects.filter(status=Booking.Status.CLOSED, funding_source=None)
    texts = []
    # The demo's own closed bookings (the reports' history behind them holds hundreds more).
    for booking in closed.order_by("pk")[:12]:
        member = User.objects.filter(
            memberships__unit__organisation_id=booking.unit.organisation_id
        ).first()
        if member is None:
            continue
        client.force_login(member)
        texts.append(client.get(reverse("bookings:detail", args=[booking.pk])).content.decode())
    assert texts
    assert any("Done: Paid on" in text or "Done: Invoiced on" in text for text in texts)
    assert not any("Done and settled" in text for text in texts)
