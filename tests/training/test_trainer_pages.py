from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import TrainerFactory
from tests.training.factories import CohortFactory, EnrollmentFactory, SessionFactory
from training.models import Attendance, Enrollment, EnrollmentStatusChange, Session

pytestmark = pytest.mark.django_db


def _today_at(hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour)))


def _today_session(cohort) -> Session:
    return SessionFactory(
        cohort=cohort,
        starts_at=_today_at(9),
        ends_at=_today_at(14),
        topic="Oma tarina ja sen rajaaminen",
    )


def test_the_start_page_shows_todays_session_with_the_attendance_list(client, trainer, cohort):
    session = _today_session(cohort)
    people = [EnrollmentFactory(cohort=cohort) for _ in range(3)]
    SessionFactory(cohort=cohort, starts_at=timezone.now() + timedelta(days=7), topic="Ensi viikko")
    client.force_login(trainer)
    response = client.get(reverse("training:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Oma tarina ja sen rajaaminen" in content
    assert reverse("training:session_detail", args=[session.pk]) in content
    for enrollment in people:
        assert enrollment.expert.name in content
        assert f'name="e{enrollment.pk}"' in content
    assert "Ensi viikko" in content  # coming sessions


def test_another_trainers_session_is_not_on_my_start_page(client, trainer):
    other = CohortFactory(trainers=[TrainerFactory()])
    _today_session(other)
    EnrollmentFactory(cohort=other)
    client.force_login(trainer)
    content = client.get(reverse("training:home")).content.decode()
    assert "Oma tarina ja sen rajaaminen" not in content


def test_the_trainer_ticks_attendance_and_returns_to_the_start_page(client, trainer, cohort):
    session = _today_session(cohort)
    here, away, unmarked = (EnrollmentFactory(cohort=cohort) for _ in range(3))
    client.force_login(trainer)
    response = client.post(
        reverse("training:session_detail", args=[session.pk]),
        {f"e{here.pk}": "present", f"e{away.pk}": "absent", "next": reverse("training:home")},
    )
    assert response.status_code == 302
    assert response.url == reverse("training:home")
    marks = dict(Attendance.objects.values_list("enrollment_id", "status"))
    assert marks == {here.pk: "present", away.pk: "absent"}
    assert unmarked.pk not in marks
    here.refresh_from_db()
    assert here.status == Enrollment.Status.IN_PROGRESS
    page = client.get(reverse("training:home")).content.decode()
    assert 'value="present" autocomplete="off" checked' in page


def test_save_with_others_present_marks_everyone_not_ticked(client, trainer, cohort):
    session = _today_session(cohort)
    away, *others = (EnrollmentFactory(cohort=cohort) for _ in range(4))
    client.force_login(trainer)
    client.post(
        reverse("training:session_detail", args=[session.pk]),
        {f"e{away.pk}": "excused", "all_present": "1"},
    )
    marks = dict(Attendance.objects.values_list("enrollment_id", "status"))
    assert marks == {away.pk: "excused", **{e.pk: "present" for e in others}}


def test_an_unknown_attendance_value_changes_nothing(client, trainer, cohort):
    session = _today_session(cohort)
    enrollment = EnrollmentFactory(cohort=cohort, status=Enrollment.Status.ACCEPTED)
    before = Enrollment.objects.filter(pk=enrollment.pk).values().get()
    counts = Attendance.objects.count(), EnrollmentStatusChange.objects.count()
    client.force_login(trainer)
    response = client.post(
        reverse("training:session_detail", args=[session.pk]),
        {f"e{enrollment.pk}": "sleeping"},
        follow=True,
    )
    assert response.status_code == 200
    assert not Attendance.objects.exists()
    assert (Attendance.objects.count(), EnrollmentStatusChange.objects.count()) == counts
    assert Enrollment.objects.filter(pk=enrollment.pk).values().get() == before


def test_attendance_of_a_future_session_is_refused_with_a_message(client, trainer, cohort):
    session = SessionFactory(cohort=cohort, starts_at=timezone.now() + timedelta(days=3))
    enrollment = EnrollmentFactory(cohort=cohort)
    client.force_login(trainer)
    response = client.post(
        reverse("training:session_detail", args=[session.pk]),
        {f"e{enrollment.pk}": "present"},
        follow=True,
    )
    assert "from the day of the session" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_trainer_sees_only_their_own_cohorts(client, trainer, cohort):
    other = CohortFactory(name="Toisen kouluttajan ryhmä", trainers=[TrainerFactory()])
    other_session = SessionFactory(cohort=other)
    other_enrollment = EnrollmentFactory(cohort=other)
    client.force_login(trainer)
    listing = client.get(reverse("training:cohort_list")).content.decode()
    assert cohort.name in listing
    assert other.name not in listing
    assert client.get(reverse("training:cohort_detail", args=[cohort.pk])).status_code == 200
    for url in [
        reverse("training:cohort_detail", args=[other.pk]),
        reverse("training:session_detail", args=[other_session.pk]),
        reverse("training:session_edit", args=[other_session.pk]),
        reverse("training:session_create", args=[other.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("training:session_detail", args=[other_session.pk]),
        reverse("training:enrollment_assignment", args=[other_enrollment.pk]),
        reverse("training:enrollment_complete", args=[other_enrollment.pk]),
    ]:
        assert client.post(url, {f"e{other_enrollment.pk}": "present"}).status_code == 404, url
    assert not Attendance.objects.exists()


def test_the_trainer_adds_and_edits_a_session(client, trainer, cohort):
    client.force_login(trainer)
    response = client.post(
        reverse("training:session_create", args=[cohort.pk]),
        {
            "topic": "Vuorovaikutus",
            "starts_at": "2026-12-01T09:00",
            "ends_at": "2026-12-01T14:00",
            "place": "",
            "remote_link": "https://meet.example/abc",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert timezone.localtime(session.starts_at).hour == 9
    response = client.post(
        reverse("training:session_edit", args=[session.pk]),
        {
            "topic": "Vuorovaikutus ja esiintyminen",
            "starts_at": "2026-12-01T10:00",
            "ends_at": "2026-12-01T09:00",
            "place": "",
            "remote_link": "",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "must end after it starts" in content
    assert "Give a place or a remote link" in content
    session.refresh_from_db()
    assert session.topic == "Vuorovaikutus"


def test_the_trainer_accepts_the_final_assignment_and_completes_a_participant(
    client, trainer, cohort, django_capture_on_commit_callbacks
):
    sessions = [SessionFactory(cohort=cohort) for _ in range(2)]
    enrollment = EnrollmentFactory(cohort=cohort)
    for session in sessions:
        Attendance.objects.create(session=session, enrollment=enrollment, status="present")
    client.force_login(trainer)
    complete = reverse("training:enrollment_complete", args=[enrollment.pk])
    response = client.post(complete, follow=True)
    assert "final assignment has not been accepted" in response.content.decode()
    client.post(reverse("training:enrollment_assignment", args=[enrollment.pk]), {"accepted": "1"})
    enrollment.refresh_from_db()
    assert enrollment.final_assignment_accepted
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(complete)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


def test_the_cohort_page_shows_each_participants_attendance(client, trainer, cohort):
    sessions = [SessionFactory(cohort=cohort) for _ in range(4)]
    enrollment = EnrollmentFactory(cohort=cohort)
    for session in sessions[:3]:
        Attendance.objects.create(session=session, enrollment=enrollment, status="present")
    client.force_login(trainer)
    content = client.get(reverse("training:cohort_detail", args=[cohort.pk])).content.decode()
    assert "3 / 4 (75.0 %)" in content
    assert "Attendance is 75.0 %" in content


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _fill(cohort, people: int, sessions: int = 2):
    made = [SessionFactory(cohort=cohort) for _ in range(sessions)]
    made.append(_today_session(cohort))
    for _ in range(people):
        enrollment = EnrollmentFactory(cohort=cohort)
        for session in made:
            Attendance.objects.create(session=session, enrollment=enrollment, status="present")
    return made[-1]


@pytest.mark.parametrize(
    "page", ["training:home", "training:cohort_list", "cohort_detail", "session_detail"]
)
def test_trainer_pages_take_the_same_queries_for_1_and_50_participants(client, trainer, page):
    counts = []
    for people in (1, 50):
        cohort = CohortFactory(trainers=[trainer])
        session = _fill(cohort, people)
        url = {
            "cohort_detail": reverse("training:cohort_detail", args=[cohort.pk]),
            "session_detail": reverse("training:session_detail", args=[session.pk]),
        }.get(page) or reverse(page)
        client.force_login(trainer)
        counts.append(_queries(client, url))
        Attendance.objects.all().delete()
        Session.objects.all().delete()
        Enrollment.objects.all().delete()
    assert counts[0] == counts[1]


def test_the_cohort_list_takes_the_same_queries_for_1_and_50_cohorts(client, trainer):
    client.force_login(trainer)
    CohortFactory(trainers=[trainer])
    one = _queries(client, reverse("training:cohort_list"))
    for _ in range(49):
        CohortFactory(trainers=[trainer, TrainerFactory()])
    assert _queries(client, reverse("training:cohort_list")) == one
