from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from expertbank.models import AuditEntry, Invitation, Message, User
from experts.models import ExperienceArea, Expert
from tests.factories import ExpertFactory, UserFactory
from tests.training.factories import (
    ApplicationFactory,
    CohortFactory,
    OpenCohortFactory,
    SessionFactory,
    programme,
)
from training.models import Application, Enrollment
from training.services import (
    TrainingError,
    application_accept,
    attendance_mark,
    enrollment_complete,
    final_assignment_set,
)
from training.views import public

pytestmark = pytest.mark.django_db

APPLY = reverse("training_public:apply")


def _form(cohort, **overrides):
    data = {
        "cohort": cohort.pk,
        "full_name": "Tiina Laaksonen",
        "email": "tiina.laaksonen@example.net",
        "phone": "040 718 2291",
        "municipality": "Espoo",
        "areas": [ExperienceArea.objects.get(slug="mental-health").pk],
        "motivation": "Haluan kertoa, mikä hoidossa auttoi.",
        "availability": "all",
        "availability_note": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def _in_language(client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def test_the_form_lists_only_cohorts_open_for_applications(client):
    open_cohort = OpenCohortFactory(name="Avoin ryhmä")
    OpenCohortFactory(
        name="Haku päättynyt", application_deadline=timezone.localdate() - timedelta(days=1)
    )
    CohortFactory(name="Ei haussa")
    OpenCohortFactory(name="Työnohjaus", programme=programme("supervision"))
    content = client.get(APPLY).content.decode()
    assert open_cohort.name in content
    for name in ("Haku päättynyt", "Ei haussa", "Työnohjaus"):
        assert name not in content


def test_without_open_cohorts_the_page_says_so_and_shows_no_form(client):
    response = client.get(APPLY)
    assert response.status_code == 200
    assert response.context["form"] is None


@pytest.mark.parametrize(
    ("language", "programme_name"),
    [
        ("fi", "Kokemusasiantuntijakoulutus"),
        ("sv", "Utbildning för erfarenhetsexperter"),
        ("en", "Experience expert training"),
    ],
)
def test_the_form_speaks_the_language_chosen_with_the_switcher(client, language, programme_name):
    OpenCohortFactory()
    client.post(reverse("set_language"), {"language": language, "next": APPLY})
    content = client.get(APPLY).content.decode()
    assert f'<html lang="{language}">' in content
    assert programme_name in content


def test_an_application_is_saved_with_the_consent_and_confirmed_in_the_applicants_language(
    client,
):
    cohort = OpenCohortFactory()
    _in_language(client, "sv")
    response = client.post(APPLY, _form(cohort, email="Tiina.Laaksonen@Example.net"))
    assert response.status_code == 302
    assert response.url == reverse("training_public:thanks")
    application = Application.objects.get()
    assert application.email == "tiina.laaksonen@example.net"
    assert application.language == "sv"
    assert application.notice.version == "1.0"
    assert application.consented_at is not None
    assert application.status == Application.Status.RECEIVED
    assert [a.slug for a in application.areas.all()] == ["mental-health"]
    message = Message.objects.get(kind="training_application_received")
    assert (message.to, message.language) == ("tiina.laaksonen@example.net", "sv")
    assert cohort.name in message.body


def test_the_motivation_is_stored_encrypted():
    application = ApplicationFactory(motivation="Salainen tarina")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT motivation FROM training_application WHERE id = %s", [application.pk]
        )
        stored = cursor.fetchone()[0]
    assert "Salainen" not in stored
    assert Application.objects.get().motivation == "Salainen tarina"


def test_a_second_application_to_the_same_cohort_is_refused_kindly_without_showing_the_first(
    client,
):
    cohort = OpenCohortFactory()
    client.post(APPLY, _form(cohort, motivation="Ensimmäinen hakemus, yksityinen"))
    response = client.post(
        APPLY,
        _form(cohort, email="TIINA.laaksonen@example.net", phone="050 999 9999", motivation="Uusi"),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "already have an application" in content
    assert "Ensimmäinen hakemus" not in content
    assert "040 718 2291" not in content
    assert Application.objects.count() == 1
    assert Message.objects.filter(kind="training_application_received").count() == 1


def test_the_same_person_may_apply_to_another_cohort(client):
    first, second = OpenCohortFactory(), OpenCohortFactory()
    client.post(APPLY, _form(first))
    client.post(APPLY, _form(second))
    assert Application.objects.count() == 2


def test_a_filled_honeypot_saves_nothing_and_tells_the_robot_nothing(client):
    cohort = OpenCohortFactory()
    counts = Application.objects.count(), Message.objects.count()
    response = client.post(APPLY, _form(cohort, website="http://spam.example"))
    assert response.status_code == 302
    assert response.url == reverse("training_public:thanks")
    assert (Application.objects.count(), Message.objects.count()) == counts


def test_too_many_applications_from_one_address_are_stopped_with_a_clear_message(
    client, monkeypatch
):
    monkeypatch.setattr(public, "APPLY_LIMIT", 2)
    cohort = OpenCohortFactory()
    for number in range(2):
        response = client.post(APPLY, _form(cohort, email=f"hakija{number}@example.net"))
        assert response.status_code == 302
    response = client.post(APPLY, _form(cohort, email="third@example.net"))
    assert response.status_code == 429
    assert "Too many applications" in response.content.decode()
    assert Application.objects.count() == 2
    other = client.post(APPLY, _form(cohort, email="elsewhere@example.net"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302  # another address is not affected


def test_consent_is_required(client):
    cohort = OpenCohortFactory()
    data = _form(cohort)
    del data["consent"]
    response = client.post(APPLY, data)
    assert response.status_code == 200
    assert "only with your consent" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("email", "not-an-address", "valid email"),
        ("phone", "soita", "phone number"),
        ("motivation", "", "required"),
        ("availability", "sometimes", "valid choice"),
        ("full_name", "x" * 300, "at most 200"),
    ],
)
def test_bad_input_gives_a_form_error_and_saves_nothing(client, field, value, error):
    cohort = OpenCohortFactory()
    _in_language(client, "en")
    counts = Application.objects.count(), Message.objects.count()
    response = client.post(APPLY, _form(cohort, **{field: value}))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert (Application.objects.count(), Message.objects.count()) == counts


def test_a_cohort_that_is_not_open_cannot_be_applied_to_by_hand(client):
    OpenCohortFactory()
    closed = CohortFactory()
    response = client.post(APPLY, _form(closed))
    assert response.status_code == 200
    assert not Application.objects.exists()


# --- From application to bookable expert ------------------------------------------------------


def test_application_acceptance_invitation_certification_and_bookability(
    client, coordinator, trainer, run_on_commit
):
    cohort = OpenCohortFactory(trainers=[trainer])
    _in_language(client, "sv")
    client.post(APPLY, _form(cohort, email="henrik@example.net", full_name="Henrik Sjöberg"))
    application = Application.objects.get()

    client.force_login(coordinator)
    response = client.post(
        reverse("training_coordinator:application_decide", args=[application.pk]),
        {"decision": "accept", "message": "Välkommen!"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    assert application.decided_by == coordinator
    user = User.objects.get(email="henrik@example.net")
    assert (user.full_name, user.language, user.has_usable_password()) == (
        "Henrik Sjöberg",
        "sv",
        False,
    )
    expert = user.expert
    assert expert.status == Expert.Status.IN_TRAINING
    assert expert.municipality == "Espoo"
    assert [a.slug for a in expert.areas.all()] == ["mental-health"]
    assert Invitation.objects.filter(user=user).exists()
    assert Message.objects.filter(kind="invitation", to="henrik@example.net").exists()
    welcome = Message.objects.get(kind="training_application_accepted")
    assert welcome.language == "sv"
    assert "Välkommen!" in welcome.body
    enrollment = Enrollment.objects.get(expert=expert)
    assert (enrollment.cohort, enrollment.status, enrollment.application) == (
        cohort,
        Enrollment.Status.ACCEPTED,
        application,
    )

    # The training runs: the trainer marks attendance and accepts the final assignment.
    sessions = [
        SessionFactory(cohort=cohort, starts_at=timezone.now() - timedelta(days=d))
        for d in (21, 14, 7, 1)
    ]
    for session in sessions:
        attendance_mark(session=session, by=trainer, marks={enrollment.pk: "present"})
    final_assignment_set(enrollment=enrollment, by=trainer, accepted=True)
    with run_on_commit():
        enrollment_complete(enrollment=enrollment, by=trainer)
    expert.refresh_from_db()
    assert expert.status == Expert.Status.ACTIVE
    assert expert.certified_on == timezone.localdate()
    # The consent given on the application carried over: bookable without a second consent.
    assert Expert.objects.bookable().filter(pk=expert.pk).exists()
    ready = Message.objects.get(kind="training_certificate_ready")
    assert ready.language == "sv"


def test_a_rejection_is_sent_kindly_in_the_applicants_language(client, coordinator):
    application = ApplicationFactory(language="en", email="marko@example.net")
    client.force_login(coordinator)
    client.post(
        reverse("training_coordinator:application_decide", args=[application.pk]),
        {"decision": "reject", "message": "Please apply again next year."},
    )
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    message = Message.objects.get(kind="training_application_rejected")
    assert (message.to, message.language) == ("marko@example.net", "en")
    assert "not a judgement" in message.body
    assert "Please apply again next year." in message.body
    assert not User.objects.filter(email="marko@example.net").exists()


def test_a_withdrawn_application_is_closed_without_a_message(client, coordinator):
    application = ApplicationFactory()
    client.force_login(coordinator)
    client.post(
        reverse("training_coordinator:application_decide", args=[application.pk]),
        {"decision": "withdraw"},
    )
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert not Message.objects.exists()


def test_an_existing_expert_is_enrolled_without_a_new_account(coordinator):
    expert = ExpertFactory()
    application = ApplicationFactory(email=expert.user.email)
    enrollment = application_accept(application=application, by=coordinator)
    assert enrollment.expert == expert
    assert User.objects.count() == 2
    assert not Invitation.objects.exists()


def test_a_user_without_an_expert_profile_cannot_be_accepted_and_nothing_changes(
    client, coordinator
):
    UserFactory(email="jo.olemassa@example.net")
    application = ApplicationFactory(email="jo.olemassa@example.net")
    before = Application.objects.filter(pk=application.pk).values().get()
    models = (User, Expert, Enrollment, Invitation, Message, AuditEntry)
    counts = [model.objects.count() for model in models]
    client.force_login(coordinator)
    response = client.post(
        reverse("training_coordinator:application_decide", args=[application.pk]),
        {"decision": "accept"},
        follow=True,
    )
    assert "no expert profile" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.RECEIVED
    assert not Enrollment.objects.exists()
    assert Application.objects.filter(pk=application.pk).values().get() == before
    assert [model.objects.count() for model in models] == counts


def test_a_full_cohort_refuses_the_acceptance_and_creates_no_account(coordinator):
    cohort = OpenCohortFactory(capacity=1)
    application_accept(application=ApplicationFactory(cohort=cohort), by=coordinator)
    second = ApplicationFactory(cohort=cohort, email="toinen@example.net")
    with pytest.raises(TrainingError, match="full"):
        application_accept(application=second, by=coordinator)
    assert not User.objects.filter(email="toinen@example.net").exists()


def test_a_decision_is_made_once(coordinator):
    application = ApplicationFactory()
    application_accept(application=application, by=coordinator)
    with pytest.raises(TrainingError, match="already been made"):
        application_accept(application=application, by=coordinator)


def test_the_interview_is_recorded_and_the_log_keeps_the_notes_masked(client, coordinator):
    application = ApplicationFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("training_coordinator:application_detail", args=[application.pk]),
        {"interview_at": "2026-11-20T13:00", "notes": "Vahva motivaatio"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.INTERVIEW
    assert application.interview_notes == "Vahva motivaatio"
    assert timezone.localtime(application.interview_at).hour == 13
    entry = AuditEntry.objects.get(action="interview recorded")
    assert "Vahva" not in str(entry.changes)
    assert entry.actor == coordinator
    page = client.get(reverse("training_coordinator:application_detail", args=[application.pk]))
    assert "interview recorded" in page.content.decode()


def test_a_bad_interview_time_is_a_form_error(client, coordinator):
    application = ApplicationFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("training_coordinator:application_detail", args=[application.pk]),
        {"interview_at": "huomenna", "notes": ""},
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Application.Status.RECEIVED


def test_the_queue_panel_lists_applications_waiting(client, coordinator):
    waiting = ApplicationFactory(full_name="Aino Salminen")
    ApplicationFactory(full_name="Päätetty Hakija", status=Application.Status.REJECTED)
    client.force_login(coordinator)
    content = client.get(reverse("coordinator_home")).content.decode()
    assert "Aino Salminen" in content
    assert reverse("training_coordinator:application_detail", args=[waiting.pk]) in content
    assert "Päätetty Hakija" not in content
