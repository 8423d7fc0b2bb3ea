"""The training admin has no back doors: a coordinator who posts any value to any field of any
change form (one field at a time, see tests/admin_checks.py) changes no enrollment status,
attendance mark, application decision, certificate or certification. A programme's kind, a
cohort's programme and a session's cohort stay put where participants depend on them; a
session with attendance is never deleted; a cohort's capacity never drops below its people."""

from datetime import datetime, time, timedelta

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.utils import timezone

from experts.models import Expert
from tests.admin_checks import (
    MAIN,
    NEW_ROW,
    add_url,
    change_url,
    changelist_action,
    delete_via_admin,
    model_admin,
    read_change_form,
    registered_models,
    walk_change_form,
)
from tests.factories import ExpertFactory
from tests.training.factories import (
    ApplicationFactory,
    CohortFactory,
    OpenCohortFactory,
    SessionFactory,
    programme,
)
from training.models import (
    Application,
    Attendance,
    Certificate,
    Cohort,
    Enrollment,
    EnrollmentStatusChange,
    Programme,
    Session,
)
from training.services import (
    application_accept,
    application_reject,
    attendance_mark,
    enrollment_complete,
    enrollment_create,
    final_assignment_set,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def world(coordinator, trainer):
    """A cohort with a held session that has attendance, one without, one to come; a participant
    in progress (accepted from an application), one who completed (certified, certificate on
    file); an open cohort with a rejected application."""
    cohort = CohortFactory(trainers=[trainer], capacity=5)
    held = SessionFactory(cohort=cohort, topic="Oma tarina")
    SessionFactory(cohort=cohort, topic="Tuleva", starts_at=timezone.now() + timedelta(days=7))
    application = ApplicationFactory(cohort=cohort)
    learner = application_accept(application=application, by=coordinator)
    graduate = enrollment_create(cohort=cohort, expert=ExpertFactory(), by=coordinator)
    attendance_mark(
        session=held,
        by=trainer,
        marks={learner.pk: Attendance.Status.ABSENT, graduate.pk: Attendance.Status.PRESENT},
    )
    final_assignment_set(enrollment=graduate, by=trainer, accepted=True)
    graduate = enrollment_complete(enrollment=graduate, by=trainer)
    # Held since, nobody marked yet.
    quiet = SessionFactory(
        cohort=cohort, topic="Ilman läsnäoloja", starts_at=timezone.now() - timedelta(hours=5)
    )
    # The certificate task runs when the completion commits; here the file is put in place.
    certificate = Certificate.objects.create(
        enrollment=graduate,
        number=f"{TODAY:%Y}-{graduate.pk:06d}",
        issued_on=TODAY,
        language="fi",
        file=ContentFile(b"%PDF-1.4 test", name="certificate.pdf"),
    )
    rejected = ApplicationFactory(cohort=OpenCohortFactory())
    application_reject(application=rejected, by=coordinator, message="Ei tällä kertaa.")
    return {
        "programme": programme("basic"),
        "cohort": cohort,
        "held": held,
        "quiet": quiet,
        "learner": learner,
        "graduate": graduate,
        "application": Application.objects.get(pk=application.pk),
        "rejected": Application.objects.get(pk=rejected.pk),
        "attendance": Attendance.objects.filter(session=held).first(),
        "certificate": certificate,
    }


def _state() -> dict:
    """Everything the services own in training, and the experts' certification."""
    return {
        "enrollments": list(Enrollment.objects.order_by("pk").values()),
        "status changes": list(EnrollmentStatusChange.objects.order_by("pk").values()),
        "attendance": list(Attendance.objects.order_by("pk").values()),
        "applications": list(Application.objects.order_by("pk").values()),
        "application areas": list(
            Application.areas.through.objects.order_by("pk").values_list(
                "application_id", "experiencearea_id"
            )
        ),
        "certificates": list(Certificate.objects.order_by("pk").values()),
        "experts": list(Expert.objects.order_by("pk").values_list("pk", "status", "certified_on")),
        "session cohorts": dict(Session.objects.values_list("pk", "cohort_id")),
    }


class Invariants:
    def __init__(self, world):
        self.world = world
        self.state = _state()
        self.kinds = dict(Programme.objects.values_list("pk", "kind"))
        self.codes = dict(Programme.objects.values_list("pk", "code"))
        self.cohort_programmes = dict(Cohort.objects.values_list("pk", "programme_id"))

    def __call__(self, probe, response) -> None:
        state = _state()
        for name, rows in self.state.items():
            if name == "session cohorts":
                # Sessions may be added (and ones without attendance deleted), never moved.
                for pk, cohort_id in state[name].items():
                    assert self.state[name].get(pk, cohort_id) == cohort_id, probe
                continue
            assert state[name] == rows, (probe, name)
        assert Session.objects.filter(pk=self.world["held"].pk).exists(), probe
        for pk, kind, code in Programme.objects.values_list("pk", "kind", "code"):
            if Cohort.objects.filter(programme=pk).exists() and pk in self.kinds:
                assert (kind, code) == (self.kinds[pk], self.codes[pk]), probe
        for cohort in Cohort.objects.all():
            if cohort.enrollments.exists():
                assert cohort.programme_id == self.cohort_programmes[cohort.pk], probe
            taking_part = cohort.enrollments.filter(status__in=Enrollment.TAKING_PART).count()
            assert cohort.capacity >= taking_part, probe


# --- Every admin page of training is walked --------------------------------------------------


def test_every_admin_page_of_training_is_walked_here():
    assert registered_models(admin.site, "training") == {
        Programme,
        Cohort,
        Session,
        Enrollment,
        Attendance,
        Application,
        Certificate,
    }


NEW_SESSION = {
    "starts_at": datetime.combine(TODAY + timedelta(days=14), time(9)),
    "ends_at": datetime.combine(TODAY + timedelta(days=14), time(12)),
    "topic": "Lisäpäivä",
    "place": "Järjestötalo",
    "remote_link": "",
    "cancelled": False,
}


@pytest.mark.parametrize(
    ("model", "key", "new_rows"),
    [
        (Programme, "programme", None),
        (Cohort, "cohort", {"sessions": NEW_SESSION}),
        (Session, "held", None),
        (Enrollment, "learner", None),
        (Enrollment, "graduate", None),
        (Attendance, "attendance", None),
        (Application, "application", None),
        (Application, "rejected", None),
        (Certificate, "certificate", None),
    ],
)
def test_no_hostile_post_to_a_training_change_form_breaks_a_rule(
    admin_client, world, model, key, new_rows
):
    check = Invariants(world)
    statuses = []

    def check_and_count(probe, response):
        check(probe, response)
        statuses.append(response.status_code)

    probes = walk_change_form(
        admin_client,
        model_admin(admin.site, model),
        world[key],
        check=check_and_count,
        new_rows=new_rows,
    )
    assert probes
    if model in (Enrollment, Attendance, Application, Certificate):
        assert set(statuses) == {403}  # read-only: every change is refused
    walked = {str(probe.slot) for probe in probes}
    if model is Cohort:
        assert {"capacity", "sessions-0-DELETE", f"sessions-None-{NEW_ROW}"} <= walked
    if model is Enrollment:
        assert {"status", "completed_on", "expert", "cohort"} <= walked


def test_status_and_completion_are_not_fields_of_any_form(admin_client, world):
    for model, key in [(Enrollment, "graduate"), (Application, "application")]:
        form = read_change_form(
            admin_client, change_url(model_admin(admin.site, model), world[key])
        )
        assert not any(slot.form == MAIN for slot in form.fields)


@pytest.mark.parametrize(
    ("model", "key"),
    [
        (Enrollment, "learner"),
        (Attendance, "attendance"),
        (Application, "application"),
        (Certificate, "certificate"),
        (Session, "held"),
    ],
)
def test_what_the_services_own_is_never_deleted_in_the_admin(admin_client, world, model, key):
    obj = world[key]
    model_admin_ = model_admin(admin.site, model)
    assert delete_via_admin(admin_client, model_admin_, obj).status_code == 403
    changelist_action(admin_client, model_admin_, model.objects.all())
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", [Enrollment, Attendance, Application, Certificate])
def test_what_the_services_make_is_never_added_in_the_admin(admin_client, model):
    assert admin_client.get(add_url(model_admin(admin.site, model))).status_code == 403


def test_a_session_without_attendance_can_be_deleted(admin_client, world):
    quiet = world["quiet"]
    delete_via_admin(admin_client, model_admin(admin.site, Session), quiet)
    assert not Session.objects.filter(pk=quiet.pk).exists()


def test_a_session_with_attendance_is_cancelled_not_deleted_on_the_cohort_page(admin_client, world):
    url = change_url(model_admin(admin.site, Cohort), world["cohort"])
    form = read_change_form(admin_client, url)
    row = next(
        slot.row
        for slot, bound_field in form.fields.items()
        if slot.form == "sessions"
        and slot.field == "id"
        and bound_field.value() == world["held"].pk
    )
    response = admin_client.post(url, {**form.data, f"sessions-{row}-DELETE": "on"})
    assert response.status_code == 200
    assert "Cancel it instead" in response.content.decode()
    assert Session.objects.filter(pk=world["held"].pk).exists()


def test_a_cohorts_capacity_never_drops_below_its_participants(admin_client, world):
    url = change_url(model_admin(admin.site, Cohort), world["cohort"])
    form = read_change_form(admin_client, url)
    response = admin_client.post(url, {**form.data, "capacity": "1"})
    assert response.status_code == 200
    assert "Taking part in this cohort: 2" in response.content.decode()
    assert Cohort.objects.get(pk=world["cohort"].pk).capacity == 5
    response = admin_client.post(url, {**form.data, "capacity": "2"})
    assert response.status_code == 302
    assert Cohort.objects.get(pk=world["cohort"].pk).capacity == 2


def test_a_programme_without_cohorts_can_still_change_its_kind(admin_client):
    new = Programme.objects.create(
        code="new", name_fi="Uusi", name_sv="Ny", name_en="New", kind=Programme.Kind.FOLLOW_UP
    )
    url = change_url(model_admin(admin.site, Programme), new)
    form = read_change_form(admin_client, url)
    assert admin_client.post(url, {**form.data, "kind": "basic"}).status_code == 302
    assert Programme.objects.get(pk=new.pk).kind == Programme.Kind.BASIC
