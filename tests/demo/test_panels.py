"""The demo's standing customer panel: eight members of many ages and regions, three past
meetings with attendance and minutes, two changes, three applications waiting; the unit's demo
login and the demo expert reach it."""

from django.urls import reverse

from bookings.demo.panels import AGE, NAME, REGION
from bookings.models import Gig, Panel, PanelApplication
from expertbank.demo import DEMO_DOMAIN
from expertbank.models import User
from experts.models import Expert


def test_the_demo_panel_has_members_meetings_minutes_changes_and_applications():
    panel = Panel.objects.get(name_fi=NAME)
    members = list(panel.members.filter(left_on__isnull=True).select_related("expert"))
    assert len(members) == 8
    assert len({m.answers[AGE] for m in members}) >= 4
    assert len({m.answers[REGION] for m in members}) >= 4
    roles = {m.expert.role for m in members}
    assert roles == {Expert.Role.PANEL_MEMBER, Expert.Role.EXPERT}
    held = [m for m in panel.meetings.select_related("occurrence") if m.attendance_recorded_at]
    assert len(held) == 3
    assert all(m.minutes_text and m.attendance.filter(attended=True).exists() for m in held)
    assert panel.meetings.filter(attendance_recorded_at__isnull=True).count() == 2
    assert panel.changes.count() == 2
    assert panel.applications.filter(status=PanelApplication.Status.NEW).count() == 3
    # Attendance became fees: approved (or paid) for the first meetings, waiting for the last.
    statuses = set(Gig.objects.filter(booking=panel.booking).values_list("status", flat=True))
    assert {Gig.Status.REPORTED, Gig.Status.CANCELLED, Gig.Status.PLANNED} <= statuses
    assert statuses & {Gig.Status.APPROVED, Gig.Status.PAID}


def test_the_demo_unit_and_the_demo_expert_reach_the_panel(client):
    panel = Panel.objects.get(name_fi=NAME)
    client.force_login(User.objects.get(email=f"hyvinvointialue@{DEMO_DOMAIN}"))
    assert NAME in client.get(reverse("bookings:panels")).content.decode()
    assert client.get(reverse("bookings:panel", args=[panel.pk])).status_code == 200
    client.force_login(User.objects.get(email=f"asiantuntija@{DEMO_DOMAIN}"))
    page = client.get(reverse("bookings_expert:panel", args=[panel.pk])).content.decode()
    assert panel.meetings.first().minutes_text[:40] in page
