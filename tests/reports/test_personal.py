"""The unit's figures and the expert's own record (issue 18): the numbers right on a small known
world, the caps from the earnings rules, the certificate of work without health detail unless
chosen, downloads with formulas neutralised, constant query counts, and each sees only their own."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bookings.models import Feedback, Gig, ImpactAnswer
from experts.models import ExperienceArea
from reports import expert as expert_numbers
from reports import unit as unit_numbers
from reports.period import Period
from tests.factories import ExpertFactory, MembershipFactory, UnitFactory, UserFactory
from tests.reports.world import add_gig
from tests.training.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrollmentFactory,
    SessionFactory,
    programme,
)
from training.models import Enrollment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))


def _member(unit=None):
    return MembershipFactory(user=UserFactory(language="en"), unit=unit or UnitFactory()).user


def _billed(gig: Gig, amount: str) -> Gig:
    Gig.objects.filter(pk=gig.pk).update(billable_amount=Decimal(amount))
    return gig


@pytest.fixture
def unit_world():
    """Unit A (two units of one organisation) with gigs in March and May 2025; unit B with one
    gig in March that A must never see."""
    unit_a = UnitFactory(organisation__name="Vantaan kaupunki")
    unit_a2 = UnitFactory(organisation=unit_a.organisation, name="Nuorisopalvelut")
    unit_b = UnitFactory(organisation__name="Päihdetyön Tuki ry")
    expert = ExpertFactory()
    march = _billed(
        add_gig(expert=expert, unit=unit_a, day=date(2025, 3, 4), reported=Decimal("3")), "420.00"
    )
    _billed(add_gig(expert=expert, unit=unit_a2, day=date(2025, 5, 6), hours=2), "350.00")
    _billed(add_gig(expert=expert, unit=unit_b, day=date(2025, 3, 5), hours=5), "999.00")
    Feedback.objects.create(
        booking=march.booking, rating=4, text='=HYPERLINK("x")', created_at=march.end
    )
    return {"member": _member(unit_a), "outsider": _member(unit_b), "march": march}


def test_the_unit_s_months_count_its_organisation_only(unit_world):
    months = {m.label: m for m in unit_numbers.unit_months(unit_world["member"], YEAR)}
    assert len(months) == 12
    assert (months["3/2025"].bookings, months["3/2025"].gigs) == (1, 1)
    assert months["3/2025"].hours == Decimal("3.0")  # the reported hours
    assert months["3/2025"].costs == Decimal("420.00")
    assert months["5/2025"].hours == Decimal("2.0")  # the scheduled length before a report
    assert months["5/2025"].costs == Decimal("350.00")
    assert months["1/2025"].gigs == 0
    other = {m.label: m for m in unit_numbers.unit_months(unit_world["outsider"], YEAR)}
    assert other["3/2025"].costs == Decimal("999.00")
    assert other["5/2025"].gigs == 0


def test_the_unit_page_shows_its_figures_and_downloads_neutralised(client, unit_world):
    client.force_login(unit_world["member"])
    url = reverse("reports_unit:report") + "?from=2025-01-01&to=2025-12-31"
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["totals"]["costs"] == Decimal("770.00")  # March and May of A only
    assert response.context["totals"]["gigs"] == 2
    page = response.content.decode()
    assert "Hours by month" in page and "Costs by month (without VAT)" in page
    assert "<svg" in page and "The numbers as a table" in page
    response = client.get(url + "&format=csv&table=feedback")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][2] == "4"
    assert rows[1][3] == '\'=HYPERLINK("x")'
    response = client.get(url + "&format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert "Bookings, hours and costs by mo" in book.sheetnames[0]
    sheet = book[book.sheetnames[0]]
    march = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "3/2025")
    assert march[1:5] == (1, 1, 3, 420)


def test_a_bad_period_is_explained_and_changes_nothing(client, unit_world):
    client.force_login(unit_world["member"])
    response = client.get(reverse("reports_unit:report") + "?from=2025-12-01&to=2025-01-01")
    assert response.status_code == 200
    assert "The end of the period must not be before its start." in response.content.decode()


def test_an_unknown_table_answers_404(client, unit_world):
    client.force_login(unit_world["member"])
    response = client.get(reverse("reports_unit:report") + "?format=csv&table=nope")
    assert response.status_code == 404


def test_only_unit_members_and_experts_reach_their_pages(client, unit_world):
    expert = ExpertFactory(user=UserFactory(language="en"))
    client.force_login(expert.user)
    assert client.get(reverse("reports_unit:report")).status_code == 403
    assert client.get(reverse("reports_expert:record")).status_code == 200
    client.force_login(unit_world["member"])
    assert client.get(reverse("reports_expert:record")).status_code == 403
    assert client.get(reverse("reports_expert:certificate")).status_code == 403


# --- The expert ----------------------------------------------------------------------------------


@pytest.fixture
def capped():
    expert = ExpertFactory(
        user=UserFactory(language="en"),
        earnings_cap_monthly=Decimal("500.00"),
        earnings_cap_yearly=Decimal("1000.00"),
    )
    unit = UnitFactory()
    add_gig(
        expert=expert,
        unit=unit,
        day=date(2025, 2, 3),
        fee=Decimal("300"),
        paid_on=date(2025, 2, 20),
    )
    add_gig(
        expert=expert,
        unit=unit,
        day=date(2025, 2, 10),
        fee=Decimal("300"),
        paid_on=date(2025, 2, 25),
    )
    add_gig(
        expert=expert,
        unit=unit,
        day=date(2025, 4, 1),
        fee=Decimal("250"),
        paid_on=date(2025, 4, 20),
    )
    add_gig(expert=ExpertFactory(), unit=unit, day=date(2025, 4, 1), fee=Decimal("999"))
    return expert


def test_the_expert_s_months_against_the_caps(capped):
    year = expert_numbers.expert_year(capped, today=date(2025, 6, 15))
    months = {m.label: m for m in year.months}
    assert months["2/2025"].gigs == 2
    assert months["2/2025"].hours == Decimal("4.0")
    assert months["2/2025"].earnings.paid == Decimal("600.00")
    assert months["2/2025"].cap == Decimal("500.00")
    assert months["2/2025"].headroom == Decimal("-100.00")  # over the monthly cap
    assert months["4/2025"].headroom == Decimal("250.00")
    assert year.total.total == Decimal("850.00")
    assert year.yearly_headroom == Decimal("150.00")


def test_the_record_page_shows_earnings_and_only_shared_answers(client, capped):
    gig = Gig.objects.filter(expert=capped).first()
    ImpactAnswer.objects.create(
        booking=gig.booking,
        day_mark=30,
        text="Asukkaat kysyvät nyt ensin.",
        share_with_experts=True,
    )
    ImpactAnswer.objects.create(
        booking=gig.booking, day_mark=90, text="Sisäinen huomio.", share_with_experts=False
    )
    client.force_login(capped.user)
    page = client.get(reverse("reports_expert:record")).content.decode()
    assert "Asukkaat kysyvät nyt ensin." in page
    assert "Sisäinen huomio." not in page
    response = client.get(reverse("reports_expert:record") + "?format=csv&table=earnings")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Month" and len(rows) == 13


def test_the_certificate_lists_work_trainings_and_supervision_areas_only_when_chosen(capped):
    capped.areas.set(ExperienceArea.objects.all()[:1])
    area = str(capped.areas.get())
    basic = CohortFactory(programme=programme("basic"), name="Peruskoulutus 2024")
    EnrollmentFactory(
        expert=capped,
        cohort=basic,
        status=Enrollment.Status.COMPLETED,
        completed_on=date(2024, 5, 2),
    )
    group = CohortFactory(programme=programme("supervision"), ends_on=None)
    enrollment = EnrollmentFactory(expert=capped, cohort=group)
    for days in (10, 40):
        start = timezone.now() - timedelta(days=days)
        AttendanceFactory(
            enrollment=enrollment, session=SessionFactory(cohort=group, starts_at=start)
        )
    context = expert_numbers.certificate_context(capped)
    assert [(r.year, r.gigs, r.hours) for r in context["work"]] == [(2025, 3, Decimal("6.0"))]
    assert [e.cohort.name for e in context["trainings"]] == ["Peruskoulutus 2024"]
    assert sum(r.sessions for r in context["supervision"]) == 2
    assert sum(r.hours for r in context["supervision"]) == Decimal("8.0")
    assert context["areas"] == []
    assert expert_numbers.certificate_context(capped, with_areas=True)["areas"] == [area]


def test_the_certificate_downloads_as_a_pdf(client, capped):
    client.force_login(capped.user)
    response = client.get(reverse("reports_expert:certificate") + "?areas=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- Query counts --------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _many(n: int, *, unit, expert, first: int = 0):
    for i in range(first, first + n):
        day = date(2025, 1, 1) + timedelta(days=i * 3)
        gig = add_gig(
            expert=expert, unit=unit, day=day, reported=Decimal("2") if i % 2 else None, paid_on=day
        )
        Feedback.objects.create(booking=gig.booking, rating=1 + i % 5, created_at=gig.end)
        ImpactAnswer.objects.create(
            booking=gig.booking,
            day_mark=30,
            text="Muutos",
            share_with_experts=True,
            answered_at=gig.end + timedelta(days=30),
        )


def test_the_pages_take_as_many_queries_for_one_row_as_for_fifty(client):
    unit = UnitFactory()
    member = _member(unit)
    expert = ExpertFactory(user=UserFactory(language="en"), earnings_cap_monthly=Decimal("900"))
    urls = {
        member: reverse("reports_unit:report") + "?from=2025-01-01&to=2025-12-31",
        expert.user: reverse("reports_expert:record"),
    }
    _many(1, unit=unit, expert=expert)
    counts = {}
    for user, url in urls.items():
        client.force_login(user)
        counts[user] = _queries(client, url)
    _many(49, unit=unit, expert=expert, first=1)
    for user, url in urls.items():
        client.force_login(user)
        assert _queries(client, url) == counts[user]


def test_the_unit_sees_the_questions_still_waiting_from_the_last_30_to_90_days():
    unit = UnitFactory()
    member = _member(unit)
    expert = ExpertFactory()
    today = timezone.localdate()
    waiting = add_gig(expert=expert, unit=unit, day=today - timedelta(days=40))
    answered = add_gig(expert=expert, unit=unit, day=today - timedelta(days=45))
    ImpactAnswer.objects.create(booking=answered.booking, day_mark=30, text="Muutos")
    add_gig(expert=expert, unit=unit, day=today - timedelta(days=100))  # too old to nag about
    add_gig(expert=expert, unit=unit, day=today - timedelta(days=10))  # not open yet
    add_gig(expert=ExpertFactory(), unit=UnitFactory(), day=today - timedelta(days=40))  # another's
    assert list(unit_numbers.unit_impact_waiting(member)) == [waiting.booking]


def test_the_record_says_which_months_are_over_the_monthly_cap(client):
    expert = ExpertFactory(user=UserFactory(language="en"), earnings_cap_monthly=Decimal("300"))
    today = timezone.localdate()
    first = today.replace(day=1)
    add_gig(expert=expert, unit=UnitFactory(), day=first, fee=Decimal("450"), paid_on=first)
    client.force_login(expert.user)
    response = client.get(reverse("reports_expert:record"))
    assert response.context["monthly_cap"] == Decimal("300.00")
    assert response.context["over_months"] == [f"{today.month}/{today.year}"]
    assert f"Over the cap in: {today.month}/{today.year}." in response.content.decode()


def test_the_expert_s_work_by_year_downloads(client, capped):
    client.force_login(capped.user)
    response = client.get(reverse("reports_expert:record") + "?format=csv&table=work")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Year", "Kind of work", "Gigs", "Hours"]
    assert [row[0] for row in rows[1:]] == ["2025"] and rows[1][2] == "3"
