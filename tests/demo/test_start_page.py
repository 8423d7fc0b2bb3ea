"""The demo shows the expert's gaps filled: the demo expert's start page has an offer card with
the brief and her coming work supervision; demo bookings have briefs; the demo's cohorts and
privacy notice read in Swedish and English."""

from django.conf import settings
from django.urls import reverse

from bookings.models import Booking
from expertbank.demo import DEMO_DOMAIN
from expertbank.models import User
from experts.models import PrivacyNotice
from training.demo import OPEN
from training.models import Cohort


def test_the_demo_expert_sees_an_offer_with_its_brief_and_her_coming_supervision(client):
    assert not Booking.objects.filter(purpose="").exists()
    assert not Booking.objects.filter(share_topics="").exists()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    anna = User.objects.get(email=f"asiantuntija@{DEMO_DOMAIN}")
    client.force_login(anna)
    page = client.get(reverse("experts:portal_home")).content.decode()
    offered = Booking.objects.filter(assignments__expert__user=anna, assignments__status="offered")
    booking = offered.order_by("assignments__answer_by").first()
    assert booking is not None
    for text in (booking.title, booking.purpose, booking.share_topics, booking.contact_name):
        assert text in page
    assert "Työnohjaus 8" in page  # the supervision still to come

    notice = PrivacyNotice.current()
    assert notice.summary_sv and notice.summary_en
    cohort = Cohort.objects.get(name=OPEN)
    assert cohort.name_sv and cohort.description_en
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    apply = client.get(reverse("training_public:apply")).content.decode()
    assert cohort.name_sv in apply and cohort.description_sv in apply
    assert notice.summary_sv in apply
