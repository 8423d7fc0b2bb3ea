"""Every training URL against every role: wrong role 403, another trainer's object 404,
anonymous visitors to the login page, the public form open to all."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import CoordinatorFactory, ExpertFactory, MembershipFactory, TrainerFactory
from tests.permissions import LOGIN, assert_access
from tests.training.factories import (
    ApplicationFactory,
    AttendanceFactory,
    CohortFactory,
    EnrollmentFactory,
    OpenCohortFactory,
    SessionFactory,
)
from training.models import Application, Cohort, Enrollment, Programme, Session

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "expert", "unit_member", "own_trainer", "other_trainer", "coordinator"]


@pytest.fixture
def world(trainer):
    cohort = CohortFactory(trainers=[trainer])
    session = SessionFactory(cohort=cohort)
    enrollment = EnrollmentFactory(cohort=cohort)
    application = ApplicationFactory(cohort=OpenCohortFactory())
    return {
        "trainer": trainer,
        "cohort": cohort.pk,
        "session": session.pk,
        "enrollment": enrollment.pk,
        "application": application.pk,
    }


def _user(role, world):
    users = {
        "anonymous": lambda: None,
        "expert": lambda: ExpertFactory().user,
        "unit_member": lambda: MembershipFactory().user,
        "own_trainer": lambda: world["trainer"],
        "other_trainer": TrainerFactory,
        "coordinator": CoordinatorFactory,
    }
    return users[role]()


def _expected(expected, role):
    if role == "anonymous":
        return LOGIN
    return expected.get(role, 403)


TRAINER_ONLY = {"own_trainer": 200, "other_trainer": 200}
STAFF_LIST = {"own_trainer": 200, "other_trainer": 200, "coordinator": 200}
STAFF_OBJECT = {"own_trainer": 200, "other_trainer": 404, "coordinator": 200}
STAFF_ACTION = {"own_trainer": 302, "other_trainer": 404, "coordinator": 302}
COORDINATOR_PAGE = {"coordinator": 200}
COORDINATOR_ACTION = {"coordinator": 302}
EXPERT_PAGE = {"expert": 200}

GET_PAGES = [
    ("training:home", None, TRAINER_ONLY),
    ("training:cohort_list", None, STAFF_LIST),
    ("training:cohort_detail", "cohort", STAFF_OBJECT),
    ("training:session_create", "cohort", STAFF_OBJECT),
    ("training:session_detail", "session", STAFF_OBJECT),
    ("training:session_edit", "session", STAFF_OBJECT),
    ("training:my_training", None, EXPERT_PAGE),
    ("training_coordinator:overview", None, COORDINATOR_PAGE),
    ("training_coordinator:application_list", None, COORDINATOR_PAGE),
    ("training_coordinator:application_detail", "application", COORDINATOR_PAGE),
    ("training_coordinator:cohort_enroll", "cohort", COORDINATOR_PAGE),
    ("training_coordinator:supervision", None, COORDINATOR_PAGE),
]

POST_ACTIONS = [
    ("training:enrollment_assignment", "enrollment", STAFF_ACTION, {"accepted": "1"}),
    ("training:enrollment_complete", "enrollment", STAFF_ACTION, {}),
    ("training:session_detail", "session", STAFF_ACTION, {}),
    (
        "training_coordinator:application_decide",
        "application",
        COORDINATOR_ACTION,
        {"decision": "withdraw"},
    ),
    (
        "training_coordinator:enrollment_status",
        "enrollment",
        COORDINATOR_ACTION,
        {"to": "dropped"},
    ),
    ("training_coordinator:certificate_remake", "enrollment", COORDINATOR_ACTION, {}),
]


def _url(world, name, arg):
    return reverse(name, args=[world[arg]] if arg else [])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "arg", "expected"), GET_PAGES)
def test_every_page_answers_each_role_as_it_should(client, world, role, name, arg, expected):
    assert_access(
        client, _url(world, name, arg), _expected(expected, role), user=_user(role, world)
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "arg", "expected", "data"), POST_ACTIONS)
def test_every_action_answers_each_role_as_it_should(
    client, world, role, name, arg, expected, data
):
    assert_access(
        client,
        _url(world, name, arg),
        _expected(expected, role),
        user=_user(role, world),
        method="post",
        data=data,
    )


@pytest.mark.parametrize(
    "name",
    [
        "training:enrollment_assignment",
        "training:enrollment_complete",
        "training_coordinator:application_decide",
        "training_coordinator:enrollment_status",
        "training_coordinator:certificate_remake",
    ],
)
def test_actions_refuse_get(client, world, name):
    arg = "application" if "application" in name else "enrollment"
    assert_access(client, _url(world, name, arg), 405, user=CoordinatorFactory())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("training_public:apply", "Apply to experience expert training"),
        ("training_public:thanks", "Thank you for your application"),
    ],
)
def test_the_public_pages_are_open_to_everyone(client, world, role, name, shown):
    response = assert_access(client, reverse(name), 200, user=_user(role, world))
    assert shown in response.content.decode()


@pytest.mark.parametrize("role", ["expert", "unit_member", "own_trainer"])
def test_applicants_data_is_for_coordinators_only(client, world, role):
    application = ApplicationFactory(phone="040 555 1234", municipality="Hyvinkää")
    user = _user(role, world)
    for url in [
        reverse("training_coordinator:application_detail", args=[application.pk]),
        reverse("training_coordinator:application_list"),
    ]:
        response = assert_access(client, url, 403, user=user)
        assert "040 555 1234" not in response.content.decode()


def test_a_trainer_sees_participants_but_not_their_applications(client, world):
    application = ApplicationFactory(motivation="Yksityinen motivaatio", phone="040 555 1234")
    enrollment = EnrollmentFactory(application=application)
    enrollment.cohort.trainers.add(world["trainer"])
    client.force_login(world["trainer"])
    content = client.get(
        reverse("training:cohort_detail", args=[enrollment.cohort_id])
    ).content.decode()
    assert enrollment.expert.name in content
    assert "Yksityinen motivaatio" not in content
    assert "040 555 1234" not in content


@pytest.mark.parametrize(
    "model",
    [
        "programme",
        "cohort",
        "session",
        "enrollment",
        "attendance",
        "application",
        "certificate",
    ],
)
def test_coordinators_manage_every_training_model_in_the_admin(client, world, model):
    attendance = AttendanceFactory()
    enrollment = Enrollment.objects.get(pk=world["enrollment"])
    session = Session.objects.get(pk=world["session"])
    # Each object, and what its row in the list shows.
    objects = {
        "programme": (Programme.objects.get(code="basic"), "Kokemusasiantuntijakoulutus"),
        "cohort": (Cohort.objects.get(pk=world["cohort"]), None),
        "session": (session, session.topic),
        "enrollment": (enrollment, enrollment.expert.name),
        "attendance": (attendance, str(attendance.enrollment)),
        "application": (Application.objects.get(pk=world["application"]), None),
    }
    user = CoordinatorFactory()
    listing = assert_access(
        client, reverse(f"admin:training_{model}_changelist"), 200, user=user
    ).content.decode()
    if model not in objects:  # no certificate yet: the list says it is empty
        assert "0 certificates" in listing
        return
    shown, row = objects[model]
    assert escape(row or str(shown)) in listing
    page = assert_access(
        client, reverse(f"admin:training_{model}_change", args=[shown.pk]), 200, user=user
    ).content.decode()
    assert escape(str(shown)) in page
