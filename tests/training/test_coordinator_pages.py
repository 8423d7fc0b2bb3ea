from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from experts.models import Expert
from experts.services import consent_give
from tests.factories import ExpertFactory
from tests.training.factories import (
    ApplicationFactory,
    AttendanceFactory,
    CohortFactory,
    EnrollmentFactory,
    OpenCohortFactory,
    SessionFactory,
    programme,
)
from training.models import Application, Enrollment, EnrollmentStatusChange
from training.selectors import cohort_overview, pipeline_counts

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_overview_shows_fill_rate_attendance_completions_and_drop_outs(client, coordinator):
    cohort = CohortFactory(name="Ryhmä A", capacity=4)
    sessions = [SessionFactory(cohort=cohort) for _ in range(2)]
    SessionFactory(cohort=cohort, starts_at=timezone.now() + timedelta(days=3))  # not held
    done = EnrollmentFactory(cohort=cohort, status="completed", completed_on=date(2026, 11, 1))
    going = EnrollmentFactory(cohort=cohort)
    dropped = EnrollmentFactory(cohort=cohort, status=Enrollment.Status.DROPPED)
    for session in sessions:
        AttendanceFactory(session=session, enrollment=done)
        AttendanceFactory(session=session, enrollment=dropped)
    AttendanceFactory(session=sessions[0], enrollment=going)
    [row] = cohort_overview()
    assert row.cohort.participants == 2
    assert row.fill_percent == 50
    assert row.cohort.held_sessions == 2
    assert row.attendance_percent == 75  # 3 present of 2 sessions × 2 participants
    assert (row.cohort.completed, row.cohort.dropped) == (1, 1)
    client.force_login(coordinator)
    content = client.get(reverse("training_coordinator:overview")).content.decode()
    assert "Ryhmä A" in content
    assert "75.0 %" in content
    assert "50.0 %" in content


def test_the_pipeline_counts_each_step_from_application_to_bookable(coordinator):
    cohort = OpenCohortFactory()
    ApplicationFactory(cohort=cohort)
    ApplicationFactory(cohort=cohort, status=Application.Status.REJECTED)
    accepted = [ApplicationFactory(cohort=cohort, status="accepted") for _ in range(3)]
    EnrollmentFactory(cohort=cohort, application=accepted[0])
    certified = ExpertFactory(certified_on=date(2026, 6, 1))
    consent_give(expert=certified, by=None)
    EnrollmentFactory(
        cohort=cohort,
        application=accepted[1],
        expert=certified,
        status="completed",
        completed_on=date(2026, 6, 1),
    )
    EnrollmentFactory(cohort=cohort, application=accepted[2], status=Enrollment.Status.DROPPED)
    EnrollmentFactory(cohort=CohortFactory(programme=programme("supervision")))  # not basic
    assert pipeline_counts() == {
        "applied": 5,
        "waiting": 1,
        "accepted": 3,
        "not_accepted": 1,
        "in_training": 1,
        "completed": 1,
        "certified": 1,
        "dropped": 1,
        "bookable": 1,
    }


def test_the_overview_filters_by_year(client, coordinator):
    CohortFactory(name="Vanha ryhmä", starts_on=date(2024, 2, 1), ends_on=date(2024, 6, 1))
    CohortFactory(name="Uusi ryhmä")
    client.force_login(coordinator)
    content = client.get(
        reverse("training_coordinator:overview"), {"year": timezone.localdate().year}
    ).content.decode()
    assert "Uusi ryhmä" in content
    assert "Vanha ryhmä" not in content
    bad = client.get(reverse("training_coordinator:overview"), {"year": "viime"})
    assert bad.status_code == 200


def test_applications_are_filtered_by_cohort_and_status(client, coordinator):
    first, second = OpenCohortFactory(), OpenCohortFactory()
    ApplicationFactory(cohort=first, full_name="Aino Ensimmäinen")
    ApplicationFactory(cohort=first, full_name="Pekka Päätetty", status="rejected")
    ApplicationFactory(cohort=second, full_name="Tiina Toinen")
    client.force_login(coordinator)
    url = reverse("training_coordinator:application_list")
    content = client.get(url, {"cohort": first.pk, "status": "waiting"}).content.decode()
    assert "Aino Ensimmäinen" in content
    assert "Pekka Päätetty" not in content
    assert "Tiina Toinen" not in content
    content = client.get(url, {"status": "rejected"}).content.decode()
    assert "Pekka Päätetty" in content
    assert "Aino Ensimmäinen" not in content
    assert client.get(url, {"cohort": "999999", "status": "bogus"}).status_code == 200


def test_the_application_page_shows_everything_the_applicant_sent(client, coordinator):
    application = ApplicationFactory(
        motivation="Kasvoin sijaishuollossa.", phone="044 902 1187", availability_note="Ei 3.3."
    )
    client.force_login(coordinator)
    content = client.get(
        reverse("training_coordinator:application_detail", args=[application.pk])
    ).content.decode()
    for text in ("Kasvoin sijaishuollossa.", "044 902 1187", "Ei 3.3.", application.email):
        assert text in content


def test_the_coordinator_adds_experts_to_a_supervision_group(client, coordinator):
    group = CohortFactory(programme=programme("supervision"), ends_on=None)
    experts = [ExpertFactory() for _ in range(2)]
    retired = ExpertFactory(status=Expert.Status.RETIRED)
    client.force_login(coordinator)
    url = reverse("training_coordinator:cohort_enroll", args=[group.pk])
    page = client.get(url).content.decode()
    assert experts[0].name in page
    assert retired.name not in page
    response = client.post(url, {"experts": [e.pk for e in experts]})
    assert response.status_code == 302
    assert set(group.enrollments.values_list("expert", flat=True)) == {e.pk for e in experts}
    assert EnrollmentStatusChange.objects.filter(by=coordinator).count() == 2


def test_enrolling_beyond_capacity_adds_nobody_and_says_why(client, coordinator):
    group = CohortFactory(capacity=1)
    experts = [ExpertFactory() for _ in range(2)]
    counts = Enrollment.objects.count(), EnrollmentStatusChange.objects.count()
    client.force_login(coordinator)
    response = client.post(
        reverse("training_coordinator:cohort_enroll", args=[group.pk]),
        {"experts": [e.pk for e in experts]},
    )
    assert response.status_code == 200
    assert "full" in response.content.decode()
    assert not group.enrollments.exists()
    assert (Enrollment.objects.count(), EnrollmentStatusChange.objects.count()) == counts


def test_the_coordinator_marks_a_drop_out_with_a_note(client, coordinator):
    enrollment = EnrollmentFactory()
    client.force_login(coordinator)
    client.post(
        reverse("training_coordinator:enrollment_status", args=[enrollment.pk]),
        {"to": "dropped", "note": "Muutti pois"},
    )
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.DROPPED
    assert enrollment.status_changes.get().note == "Muutti pois"
    response = client.post(
        reverse("training_coordinator:enrollment_status", args=[enrollment.pk]),
        {"to": "completed"},
        follow=True,
    )
    assert "Choose the new status" in response.content.decode()


def test_a_certificate_is_not_remade_for_an_unfinished_training(client, coordinator):
    enrollment = EnrollmentFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("training_coordinator:certificate_remake", args=[enrollment.pk]), follow=True
    )
    assert "only for a completed training" in response.content.decode()


# --- Query counts: 1 row and 50 rows cost the same ------------------------------------------


def test_the_overview_takes_the_same_queries_for_1_and_50_cohorts(client, coordinator):
    client.force_login(coordinator)

    def cohort_with_people():
        cohort = CohortFactory()
        session = SessionFactory(cohort=cohort)
        AttendanceFactory(session=session, enrollment=EnrollmentFactory(cohort=cohort))
        ApplicationFactory(cohort=cohort)

    cohort_with_people()
    one = _queries(client, reverse("training_coordinator:overview"))
    for _ in range(49):
        cohort_with_people()
    assert _queries(client, reverse("training_coordinator:overview")) == one


def test_the_application_list_takes_the_same_queries_for_1_and_50(client, coordinator):
    client.force_login(coordinator)
    cohort = OpenCohortFactory()
    ApplicationFactory(cohort=cohort)
    url = reverse("training_coordinator:application_list")
    one = _queries(client, url)
    for _ in range(49):
        ApplicationFactory(cohort=OpenCohortFactory())
    assert _queries(client, url) == one


def test_the_work_queue_panels_take_the_same_queries_for_1_and_50_waiting(rf, coordinator):
    config = apps.get_app_config("training")
    request = rf.get("/coordinator/")
    request.user = coordinator
    old = date(2024, 1, 1)

    def panel_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            panels = config.queue_panels(request)
        assert len(panels) == 2
        return len(queries)

    ApplicationFactory()
    ExpertFactory(certified_on=old)
    one = panel_queries()
    for _ in range(49):
        ApplicationFactory()
        ExpertFactory(certified_on=old)
    # Two queries of rows; the two counts are taken with every panel's (expertbank.queue).
    assert panel_queries() == one == 2


def test_the_supervision_list_takes_the_same_queries_for_1_and_50(client, coordinator):
    client.force_login(coordinator)
    old = date(2024, 1, 1)
    ExpertFactory(certified_on=old)
    url = reverse("training_coordinator:supervision")
    one = _queries(client, url)
    for _ in range(49):
        ExpertFactory(certified_on=old)
    assert _queries(client, url) == one


def test_my_training_takes_the_same_queries_for_1_and_50_enrollments(client):
    expert = ExpertFactory()
    client.force_login(expert.user)

    def enrollment():
        e = EnrollmentFactory(expert=expert)
        SessionFactory(cohort=e.cohort, starts_at=timezone.now() + timedelta(days=2))
        AttendanceFactory(session=SessionFactory(cohort=e.cohort), enrollment=e)

    enrollment()
    one = _queries(client, reverse("training:my_training"))
    for _ in range(49):
        enrollment()
    assert _queries(client, reverse("training:my_training")) == one
