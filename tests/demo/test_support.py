"""The demo shows the access and support profile: two experts with needs, one sharing them with
the booking unit, and a price list that bills and pays a companion."""

from decimal import Decimal

from django.urls import reverse

from bookings.models import PriceRow
from expertbank.demo import DEMO_DOMAIN
from expertbank.models import User
from experts.models import SupportProfile


def test_the_demo_has_support_needs_private_and_shared(client):
    profiles = SupportProfile.objects.filter(expert__user__email__endswith=DEMO_DOMAIN)
    assert profiles.count() == 2
    shared = [profile for profile in profiles if profile.shared_texts()]
    assert len(shared) == 1
    assert shared[0].no_evenings and shared[0].max_minutes == 120
    private = next(profile for profile in profiles if not profile.shared_texts())
    assert private.texts()
    assert PriceRow.objects.filter(companion_price__gt=0, companion_fee__gt=0).exists()
    # The demo logins reach it.
    mikko = User.objects.get(email=f"mikko.makinen@{DEMO_DOMAIN}")
    client.force_login(mikko)
    page = client.get(reverse("experts:support"))
    assert page.status_code == 200
    assert page.context["form"].instance.companion
    assert Decimal(page.context["form"].instance.max_minutes) == 120
