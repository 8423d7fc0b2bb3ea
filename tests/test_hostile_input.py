"""Tampered input never reaches a server error: ids, dates and ``next`` on every form and filter.

Two halves. The first walks every form class, every filter set and every admin form of the
project and fails on any id or date field that is not one of the guarded fields of
``expertbank.fields`` (so a form added tomorrow with a plain ``ModelMultipleChoiceField`` fails
here, not in production). The second sends what a hostile user sends to each page that has such
a field: a 20-digit id (past any integer column, which overflowed SQLite's driver and
PostgreSQL's ``integer``/``bigint``), the years 1 and 9999 (which overflowed ``timedelta`` sums
and the conversion to UTC), and a ``next`` that is no local path. Each must give the form's
translated error (or a filter that ignores the value), never a 500. It runs on SQLite and, with
``DATABASE_URL`` on PostgreSQL, there too; the ``postgres`` test proves it is PostgreSQL.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

import django_filters
import pytest
from django import forms
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from expertbank.fields import (
    FiniteDecimalField,
    IdChoiceMixin,
    IdMultipleChoiceMixin,
    parse_id,
    validate_date_horizon,
)
from expertbank.filters import FilterSet, IdFilter
from tests.bookings.factories import (
    FundingSourceFactory,
    PriceRowFactory,
    bookable_expert,
    member,
    request_booking,
)
from tests.factories import CoordinatorFactory, TrainerFactory, UserFactory

APPS = ("expertbank", "experts", "training", "bookings", "invoicing")
BIG = "99999999999999999999"  # 20 digits: more than a bigint holds
NOT_A_CHOICE = "Select a valid choice"
OUT_OF_HORIZON = "Enter a date between"


# --- Every form, filter and admin form uses the guarded fields ------------------------------


def _import_everything() -> None:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def _ours(classes) -> list[type]:
    return sorted(
        (c for c in classes if c.__module__.split(".")[0] in APPS),
        key=lambda c: (c.__module__, c.__name__),
    )


def _unguarded_field(name: str, one: forms.Field) -> str | None:
    if isinstance(one, forms.ModelMultipleChoiceField):
        ok = isinstance(one, IdMultipleChoiceMixin)
    elif isinstance(one, forms.ModelChoiceField):
        ok = isinstance(one, IdChoiceMixin)
    elif isinstance(one, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
        ok = validate_date_horizon in one.validators
    elif isinstance(one, forms.DecimalField):
        ok = isinstance(one, FiniteDecimalField)
    else:
        return None
    return None if ok else f"{name} ({type(one).__name__})"


def _unguarded(fields: dict[str, forms.Field]) -> list[str]:
    return [bad for name, one in fields.items() if (bad := _unguarded_field(name, one))]


def test_every_form_of_the_project_takes_ids_and_dates_through_the_guarded_fields():
    _import_everything()
    wrong = [
        f"{form.__module__}.{form.__name__}: {bad}"
        for form in _ours(_subclasses(forms.BaseForm))
        for bad in _unguarded(getattr(form, "base_fields", {}))
    ]
    assert not wrong, "plain id or date fields:\n" + "\n".join(wrong)


def test_every_filter_set_of_the_project_takes_ids_and_dates_through_the_guarded_fields():
    _import_everything()
    wrong = []
    for filterset in _ours(_subclasses(django_filters.FilterSet)):
        name = f"{filterset.__module__}.{filterset.__name__}"
        if not issubclass(filterset, FilterSet):
            wrong.append(f"{name} is not an expertbank.filters.FilterSet")
        for key, one in filterset.base_filters.items():
            made = one.field_class
            if isinstance(one, django_filters.NumberFilter):
                guarded = isinstance(one, IdFilter)  # a number filter here is a row's number
            elif isinstance(
                one, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter
            ):
                guarded = issubclass(made, IdChoiceMixin)
            elif issubclass(made, forms.DateField | forms.DateTimeField):
                guarded = validate_date_horizon in made.default_validators
            else:
                continue
            if not guarded:
                wrong.append(f"{name}.{key} ({type(one).__name__}, {made.__name__})")
    assert not wrong, "plain id or date filters:\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_every_admin_form_and_inline_takes_ids_and_dates_through_the_guarded_fields():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    wrong = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        forms_of = [(model.__name__, model_admin.get_form(request))]
        for inline in model_admin.get_inline_instances(request):
            forms_of.append(
                (
                    f"{model.__name__} inline {inline.model.__name__}",
                    inline.get_formset(request).form,
                )
            )
        for name, form in forms_of:
            wrong += [f"{name}: {bad}" for bad in _unguarded(form.base_fields)]
    assert not wrong, "plain id or date fields in the admin:\n" + "\n".join(wrong)


# --- What a hostile user sends to each page ------------------------------------------------


class World:
    """The objects the pages need, made on first use."""

    @cached_property
    def coordinator(self):
        return CoordinatorFactory(language="en")

    @cached_property
    def trainer(self):
        return TrainerFactory(language="en")

    @cached_property
    def terms(self):
        return PriceRowFactory()

    @cached_property
    def booker(self):
        return member()

    @cached_property
    def expert(self):
        return bookable_expert()

    @cached_property
    def booking(self):
        assert self.terms  # the price row the booking needs
        return request_booking(by=self.booker)

    @cached_property
    def occurrence(self):
        return self.booking.occurrences.first()

    @cached_property
    def funding(self):
        return FundingSourceFactory()

    @cached_property
    def gig(self):
        """A gig whose report came back to its expert: the report form offers to remove its
        expenses."""
        from bookings.services.reports import ExpenseInput, report_return
        from tests.bookings.reports_factories import png, reported_gig

        assert self.terms  # the price row the booking needs
        gig = reported_gig(expenses=[ExpenseInput("Bussilippu", Decimal("3.20"), png())])
        report_return(gig=gig, by=self.coordinator, note="Tarkista tunnit.")
        return gig

    @cached_property
    def cohort(self):
        from tests.training.factories import CohortFactory

        return CohortFactory(trainers=[self.trainer])

    @cached_property
    def open_cohorts(self):
        from tests.training.factories import OpenCohortFactory

        return [OpenCohortFactory(), OpenCohortFactory()]

    @cached_property
    def session(self):
        from tests.training.factories import SessionFactory

        return SessionFactory(cohort=self.cohort, starts_at=timezone.now() - timedelta(hours=1))

    @cached_property
    def application(self):
        from tests.training.factories import ApplicationFactory

        return ApplicationFactory(cohort=self.open_cohorts[0])

    @cached_property
    def notice(self):
        from tests.experts.factories import current_notice

        return current_notice()


@dataclass(frozen=True)
class Case:
    """One page and what is sent to it; ``expect`` is a text the answer must show."""

    name: str
    role: str
    url: Callable[[World], str]
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    method: str = "post"
    expect: str | None = None
    status: frozenset = field(default_factory=lambda: frozenset({200, 302, 400, 404}))


def _request_data(w: World, **changes) -> dict[str, Any]:
    """A booking request that is valid but for ``changes``."""
    from experts.models import Language, WorkKind

    assert w.terms  # the price row the request shows
    return {
        "unit": w.booker.memberships.get().unit_id,
        "title": "Puheenvuoro",
        "work_kind": WorkKind.objects.get(code="talk").pk,
        "language": Language.objects.get(code="fi").pk,
        "kind": "one_off",
        "day": (timezone.localdate() + timedelta(days=21)).isoformat(),
        "start_time": "13:00",
        "end_time": "14:30",
        "place": "Kielotie 13, Vantaa",
        "audience": "adults",
        "audience_size": "80",
        "experts_wanted": "1",
        "contact_name": "Maria",
        "purpose": "Henkilöstö oppii asiakkaan näkökulman.",
        "share_topics": "Oma polku palveluissa.",
        "blocks-TOTAL_FORMS": "0",
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "7",
        **changes,
    }


def _report_data(w: World) -> dict[str, Any]:
    from tests.bookings.reports_factories import report_data

    return report_data(remove_expenses=[BIG])


CASES = [
    # Ids in multiple-choice and choice fields.
    Case(
        "booking request: unit, kind, areas, language",
        "booker",
        lambda w: reverse("bookings:request"),
        lambda w: {"unit": BIG, "work_kind": BIG, "areas": [BIG, "1"], "language": BIG},
        expect=NOT_A_CHOICE,
    ),
    Case(
        "booking change: unit, kind",
        "coordinator",
        lambda w: reverse("bookings_coordinator:change", args=[w.booking.pk]),
        lambda w: {"unit": BIG, "work_kind": BIG, "experts_wanted": "1"},
        expect=NOT_A_CHOICE,
    ),
    Case(
        "booking funding",
        "coordinator",
        lambda w: reverse("bookings_coordinator:funding", args=[w.booking.pk]),
        lambda w: {"funding_source": BIG},
        status=frozenset({302}),
    ),
    Case(
        "offer to experts",
        "coordinator",
        lambda w: reverse("bookings_coordinator:candidates", args=[w.booking.pk]),
        lambda w: {"experts": [BIG, str(w.expert.pk)], "answer_by_date": "9999-12-31"},
        expect=NOT_A_CHOICE,
    ),
    Case(
        "replacement id in the query",
        "coordinator",
        lambda w: (
            reverse("bookings_coordinator:candidates", args=[w.booking.pk]) + f"?replace={BIG}"
        ),
        method="get",
        status=frozenset({404}),
    ),
    Case(
        "replacement id that only looks like digits",
        "coordinator",
        lambda w: reverse("bookings_coordinator:candidates", args=[w.booking.pk]) + "?replace=²",
        method="get",
        status=frozenset({404}),
    ),
    Case(
        "expenses removed from a report",
        "gig_expert",
        lambda w: reverse("bookings_expert:report", args=[w.gig.pk]),
        _report_data,
        expect=NOT_A_CHOICE,
    ),
    Case(
        "new expert: languages, areas, kinds of work",
        "coordinator",
        lambda w: reverse("experts_coordinator:new"),
        lambda w: {"languages": [BIG], "areas": [BIG], "work_kinds": [BIG]},
        expect=NOT_A_CHOICE,
    ),
    Case(
        "expert's own profile: languages, areas, kinds of work",
        "expert",
        lambda w: reverse("experts:profile"),
        lambda w: {"languages": [BIG], "areas": [BIG], "work_kinds": [BIG]},
        expect=NOT_A_CHOICE,
    ),
    Case(
        "training application: cohort, areas",
        "anonymous",
        lambda w: (w.open_cohorts, w.notice) and reverse("training_public:apply"),
        lambda w: {"cohort": BIG, "areas": [BIG]},
        expect=NOT_A_CHOICE,
    ),
    Case(
        "training application page asked for a cohort that only looks like digits",
        "anonymous",
        lambda w: (w.open_cohorts, w.notice) and reverse("training_public:apply") + "?cohort=²",
        method="get",
        status=frozenset({200}),
    ),
    Case(
        "application list filtered by cohort",
        "coordinator",
        lambda w: reverse("training_coordinator:application_list") + f"?cohort={BIG}",
        method="get",
        expect=NOT_A_CHOICE,
    ),
    Case(
        "experts enrolled to a cohort",
        "coordinator",
        lambda w: reverse("training_coordinator:cohort_enroll", args=[w.cohort.pk]),
        lambda w: {"experts": [BIG]},
        expect=NOT_A_CHOICE,
    ),
    # Ids and dates in the filters of the lists.
    Case(
        "booking list filters",
        "coordinator",
        lambda w: (
            reverse("bookings_coordinator:list") + f"?organisation={BIG}&work_kind={BIG}&area={BIG}"
            "&starts_from=0001-01-01&starts_until=9999-12-31"
        ),
        method="get",
        status=frozenset({200}),
    ),
    Case(
        "report list filters",
        "coordinator",
        lambda w: (
            reverse("bookings_coordinator:reports")
            + f"?organisation={BIG}&work_kind={BIG}&booking={BIG}"
            "&day_from=0001-01-01&day_until=9999-12-31"
        ),
        method="get",
        status=frozenset({200}),
    ),
    Case(
        "report list by booking number",
        "coordinator",
        lambda w: reverse("bookings_coordinator:reports") + f"?view=approved&booking={BIG}",
        method="get",
        status=frozenset({200}),
    ),
    Case(
        "feedback list filters",
        "coordinator",
        lambda w: reverse("bookings_coordinator:feedback") + f"?organisation={BIG}&booking={BIG}",
        method="get",
        status=frozenset({200}),
    ),
    Case(
        "expert list filters",
        "coordinator",
        lambda w: (
            reverse("experts_coordinator:list")
            + f"?area={BIG}&language={BIG}&available_on=9999-12-31"
        ),
        method="get",
        status=frozenset({200}),
    ),
    Case(
        "expert list available in year 1",
        "coordinator",
        lambda w: reverse("experts_coordinator:list") + "?available_on=0001-01-01",
        method="get",
        status=frozenset({200}),
    ),
    Case(
        "invoice list filters",
        "coordinator",
        lambda w: reverse("invoicing_coordinator:list") + f"?organisation={BIG}&unit={BIG}",
        method="get",
        status=frozenset({200}),
    ),
    # Dates at the ends of the calendar.
    Case(
        "booking request in year 9999",
        "booker",
        lambda w: reverse("bookings:request"),
        lambda w: {"kind": "one_off", "day": "9999-12-31", "start_time": "10:00"},
        expect=OUT_OF_HORIZON,
    ),
    Case(
        "booking request, a series on given dates",
        "booker",
        lambda w: reverse("bookings:request"),
        lambda w: _request_data(w, kind="series", dates="31.12.9999\n1.1.2030"),
        expect=OUT_OF_HORIZON,
    ),
    Case(
        "booking request, an engagement from year 1",
        "booker",
        lambda w: reverse("bookings:request"),
        lambda w: {"kind": "fixed_term", "period_start": "0001-01-01", "period_end": "0001-02-01"},
        expect=OUT_OF_HORIZON,
    ),
    Case(
        "rescheduled to year 9999",
        "coordinator",
        lambda w: reverse("bookings_coordinator:reschedule", args=[w.occurrence.pk]),
        lambda w: {"day": "9999-12-31", "start_time": "23:00", "end_time": "23:59"},
        expect=OUT_OF_HORIZON,
    ),
    Case(
        "criminal-record extract dated year 1",
        "coordinator",
        lambda w: reverse("experts_coordinator:document_new", args=[w.expert.pk]),
        lambda w: {"kind": "criminal_record", "dated": "0001-01-01", "valid_until": "9999-12-31"},
        expect=OUT_OF_HORIZON,
    ),
    Case(
        "tax card from year 1",
        "coordinator",
        lambda w: reverse("experts_coordinator:tax_card_new", args=[w.expert.pk]),
        lambda w: {"valid_from": "0001-01-01", "valid_until": "9999-12-31"},
        expect=OUT_OF_HORIZON,
    ),
    Case(
        "days off until year 9999",
        "expert",
        lambda w: reverse("experts:blackout_create"),
        lambda w: {"start": "0001-01-01", "end": "9999-12-31"},
        expect=OUT_OF_HORIZON,
    ),
    Case(
        "training session starting in year 1",
        "trainer",
        lambda w: reverse("training:session_create", args=[w.cohort.pk]),
        lambda w: {
            "topic": "Tervetuloa",
            "starts_at": "0001-01-01T00:00",
            "ends_at": "9999-12-31T23:59",
            "place": "Vantaa",
        },
        expect=OUT_OF_HORIZON,
    ),
    Case(
        "interview in year 1",
        "coordinator",
        lambda w: reverse("training_coordinator:application_detail", args=[w.application.pk]),
        lambda w: {"interview_at": "0001-01-01T00:00"},
        expect=OUT_OF_HORIZON,
    ),
    Case(
        "invoice run for year 9999",
        "coordinator",
        lambda w: reverse("invoicing_coordinator:run") + "?month=9999-12",
        method="get",
        expect=OUT_OF_HORIZON,
    ),
    Case(
        "fee batch paid in year 9999",
        "coordinator",
        lambda w: (
            reverse("invoicing_coordinator:fee_batch_new")
            + "?month=0001-01&payment_date=9999-12-31"
        ),
        method="get",
        expect=OUT_OF_HORIZON,
    ),
    Case(
        "yearly summary of year 9999",
        "expert",
        lambda w: reverse("invoicing_expert:summary") + "?year=9999",
        method="get",
        status=frozenset({302}),
    ),
    # Where to go next.
    Case(
        "attendance saved with a next that is a word",
        "trainer",
        lambda w: reverse("training:session_detail", args=[w.session.pk]),
        lambda w: {f"e{BIG}": "present", "next": "kotisivu"},
        status=frozenset({302}),
    ),
]


def _user(world: World, role: str):
    return {
        "anonymous": lambda: None,
        "coordinator": lambda: world.coordinator,
        "trainer": lambda: world.trainer,
        "booker": lambda: world.booker,
        "expert": lambda: world.expert.user,
        "gig_expert": lambda: world.gig.expert.user,
    }[role]()


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_tampered_ids_and_dates_get_the_forms_error_never_a_server_error(
    client, english_pages, settings, tmp_path, case
):
    settings.MEDIA_ROOT = tmp_path / "media"  # receipts of the report
    world = World()
    url = case.url(world)
    user = _user(world, case.role)
    if user is not None:
        client.force_login(user)
    response = getattr(client, case.method)(url, case.data(world))
    assert response.status_code in case.status, (case.name, response.status_code)
    if case.expect:
        assert case.expect in response.content.decode(), case.name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "goes_to"),
    [
        ("kotisivu", None),  # a word: was reversed as a view name (NoReverseMatch)
        ("training:home", None),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example/", None),
        ("javascript:alert(1)", None),
        ("/training/", "/training/"),
    ],
)
def test_next_after_marking_attendance_is_followed_only_to_a_local_path(
    client, english_pages, given, goes_to
):
    world = World()
    client.force_login(world.trainer)
    url = reverse("training:session_detail", args=[world.session.pk])
    response = client.post(url, {"next": given})
    assert response.status_code == 302
    assert response.url == (goes_to or url)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "goes_to"),
    [
        ("kotisivu", "/admin/"),
        ("https://evil.example/", "/admin/"),
        ("/admin/auth/", "/admin/auth/"),
    ],
)
def test_the_admin_login_sends_a_logged_in_admin_only_to_a_local_next(client, given, goes_to):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/login/", {"next": given})
    assert response.status_code == 302
    assert response.url == goes_to


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (" 7 ", 7), ("0", None), ("-3", None), ("²", None), ("١٢", None), (BIG, None)],
)
def test_an_id_read_from_the_query_string_is_a_number_an_id_column_holds(value, expected):
    assert parse_id(value) == expected


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_20_digit_id_in_a_multiple_choice_field_is_a_form_error_on_postgresql(
    client, english_pages
):
    assert connection.vendor == "postgresql"
    world = World()
    client.force_login(world.expert.user)
    response = client.post(reverse("experts:profile"), {"languages": [BIG], "areas": [BIG]})
    assert response.status_code == 200
    assert NOT_A_CHOICE in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["sNaN", "NaN", "Infinity", "-Infinity"])
def test_an_amount_that_is_no_number_is_the_forms_error_in_an_admin_inline(client, amount):
    """A signalling NaN in a price row raised while the inline compared it with its initial
    value (a 500); every amount field is a FiniteDecimalField."""
    from bookings.models import PriceList, PriceRow
    from experts.models import WorkKind

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    kind = WorkKind.objects.order_by("pk").first()
    row = {"work_kind": kind.pk, "valid_from": "2027-01-01", "client_unit": "gig"}
    row |= {"fee_unit": "gig", "notice_days": "7", "vat_rate": "25.5"}
    row |= {"expert_fee": "200", "client_cancellation_fee": "0", "expert_cancellation_fee": "0"}
    row["client_price"] = amount
    data = {"name": "Hinnasto", "active": "on", "rows-TOTAL_FORMS": "1"}
    data |= {"rows-INITIAL_FORMS": "0", "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "9"}
    data |= {f"rows-0-{field}": value for field, value in row.items()}
    response = client.post(reverse("admin:bookings_pricelist_add"), data)
    assert response.status_code == 200
    assert response.context["errors"]
    assert not PriceList.objects.exists() and not PriceRow.objects.exists()
