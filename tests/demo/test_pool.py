"""The demo pool: believable, and the bookings demo's three experts bookable."""

from collections import Counter

from stdnum.fi import hetu

from expertbank.demo import DEMO_DOMAIN
from experts.demo import EXPERTS
from experts.models import (
    Expert,
)
from experts.selectors import documents_expiring


def test_the_demo_pool_is_believable():
    demo = Expert.objects.filter(user__email__in=[spec.email for spec in EXPERTS])
    assert demo.count() == len(EXPERTS) >= 30
    assert set(Counter(demo.values_list("status", flat=True))) == set(Expert.Status.values)
    assert demo.filter(status=Expert.Status.ACTIVE, certified_on__isnull=False).count() >= 20
    assert demo.exclude(public_alias="").count() >= 5
    assert demo.values("municipality").distinct().count() >= 8
    assert demo.filter(earnings_cap_monthly__isnull=False).exists()
    assert demo.filter(tax_cards__isnull=False).distinct().count() >= 15
    assert documents_expiring().count() >= 3
    assert demo.exclude(pk__in=Expert.objects.with_current_consent()).exists()
    assert demo.filter(blackouts__isnull=False).exists()
    for expert in demo:
        assert hetu.is_valid(expert.identity_code)
        assert expert.slots.exists()


def test_the_bookings_demos_experts_are_bookable():
    for local in ["asiantuntija", "mikko.makinen", "johanna.lindholm"]:
        expert = Expert.objects.get(user__email=f"{local}@{DEMO_DOMAIN}")
        assert Expert.objects.bookable().filter(pk=expert.pk).exists()
        assert expert.areas.exists() and expert.work_kinds.exists()
