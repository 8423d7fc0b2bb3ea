"""The demo shows the unit's figures with months of data, the impact answers (some shared with
the experts, the demo expert's among them) and the demo expert's record and certificate."""

import pytest
from django.urls import reverse

from bookings.models import ImpactAnswer
from bookings.selectors.impact import expert_shared_impact
from expertbank.models import User
from reports import expert as expert_numbers

pytestmark = pytest.mark.usefixtures("english_pages")


def test_the_demo_logins_reach_their_figures_with_data(client):
    assert ImpactAnswer.objects.filter(share_with_experts=True).exists()
    assert ImpactAnswer.objects.filter(share_with_experts=False).exists()
    unit = User.objects.get(email="tilaaja@kokemuspankki.example")
    client.force_login(unit)
    response = client.get(reverse("reports_unit:report"))
    assert response.status_code == 200
    busy = [m for m in response.context["months"] if m.gigs and m.costs]
    assert len(busy) >= 6
    assert response.context["impact"]
    expert = User.objects.get(email="asiantuntija@kokemuspankki.example")
    assert expert_shared_impact(expert.expert).exists()
    client.force_login(expert)
    response = client.get(reverse("reports_expert:record"))
    assert response.status_code == 200
    assert response.context["impact"] and response.context["work"]
    assert any(m.earnings.total for m in response.context["year"].months)
    context = expert_numbers.certificate_context(expert.expert)
    assert context["trainings"] and context["supervision"]
    capped = User.objects.get(email="sari.heikkinen@kokemuspankki.example")
    client.force_login(capped)
    year = client.get(reverse("reports_expert:record")).context["year"]
    assert all(m.cap is not None for m in year.months)
