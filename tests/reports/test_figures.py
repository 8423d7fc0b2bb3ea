"""The ended months' figures are kept (issue 19) and never outlive a change to their data: after
every kind of change the kept figures equal a count made from scratch."""

from __future__ import annotations

from array import array
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, BookingChange, Feedback, Gig, GigReport
from experts.models import ExperienceArea
from reports import dashboard
from reports.figures import Figures, figure_changes_collapse
from reports.models import FigureChange
from reports.period import Period, Scope
from tests.bookings.factories import FundingSourceFactory
from tests.factories import CoordinatorFactory, ExpertFactory, UnitFactory
from tests.reports.world import add_gig

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]


def _today():
    return timezone.localdate()


def _scope() -> Scope:
    return Scope(Period.last_twelve_months(_today()))


@pytest.fixture
def world():
    """Gigs in two ended months and in this one, in two organisations."""
    today = _today()
    first, second = UnitFactory(organisation__name="Vantaa"), UnitFactory(organisation__name="Tuki")
    aino = ExpertFactory(municipality="Vantaa", certified_on=today - timedelta(days=400))
    mikko = ExpertFactory(municipality="Espoo", certified_on=today - timedelta(days=400))
    source = FundingSourceFactory(name="Avustus", budget=Decimal("5000.00"))
    old = add_gig(expert=aino, unit=first, day=today - timedelta(days=70), funding=source)
    older = add_gig(expert=mikko, unit=second, day=today - timedelta(days=100), reported=Decimal(3))
    now = add_gig(expert=mikko, unit=first, day=today.replace(day=1))
    for gig in (old, older):
        BookingChange.objects.create(
            booking=gig.booking,
            from_status="staffing",
            to_status="confirmed",
            at=gig.booking.created_at + timedelta(days=2),
        )
    return {"old": old, "older": older, "now": now, "units": (first, second), "aino": aino}


def figures_of(figures: Figures) -> dict:
    """Every figure of the dashboard and the funder report that comes from the kept parts."""
    scope = figures.scope
    funding = {row.source.pk: row.in_period for row in dashboard.funding(scope, figures)}
    return {
        "months": dashboard.by_month(scope, figures),
        "kinds": dashboard.by_work_kind(scope, figures),
        "areas": dashboard.by_area(scope, figures),
        "organisations": dashboard.by_organisation(scope, figures),
        "municipalities": dashboard.by_municipality(scope, figures),
        "spread": dashboard.spread(scope, figures),
        "offers": dashboard.offers(scope, figures).counts,
        "confirmation": dashboard.confirmation_days(scope, figures),
        "feedback": dashboard.feedback(scope, figures).counts,
        "impact": dashboard.impact_changes(scope, figures),
        "fees": dashboard.fees_paid_by_month(scope, figures),
        "invoiced": dashboard.invoiced_by_month(scope, figures),
        "funding": funding,
        "uptake": [(r.name, r.gigs, r.previous) for r in dashboard.uptake(scope, figures).rows],
        "total": dashboard.period_total(scope, figures),
        "experts": dashboard.experts_working(scope, figures),
    }


def kept_and_counted() -> tuple[dict, dict, Figures]:
    kept = Figures(_scope(), keep=True)
    values = figures_of(kept)
    kept.save()
    return values, figures_of(Figures(_scope())), kept


def _late_report(world):
    GigReport.objects.create(gig=world["old"], hours=Decimal("7.5"))


def _cancelled_in_bulk(world):
    Gig.objects.filter(pk=world["older"].pk).update(status=Gig.Status.CANCELLED)


def _moved_to_another_organisation(world):
    booking = world["old"].booking
    booking.unit = world["units"][1]
    booking.save()


def _organisation_renamed(world):
    organisation = world["units"][1].organisation
    organisation.name = "Päihdetyön Tuki ry"
    organisation.save()


def _municipality_changed(world):
    world["aino"].municipality = "Kerava"
    world["aino"].save()


def _area_added(world):
    world["older"].booking.areas.add(ExperienceArea.objects.get(slug="mental-health"))


def _feedback_given(world):
    gig = world["older"]
    Feedback.objects.create(booking=gig.booking, rating=2, created_at=gig.end)


def _paid_in_an_ended_month(world):
    Gig.objects.filter(pk=world["old"].pk).update(
        status=Gig.Status.PAID, paid_on=world["old"].start.date() + timedelta(days=3)
    )


def _gig_added_to_an_ended_month(world):
    add_gig(expert=world["aino"], unit=world["units"][1], day=_today() - timedelta(days=69))


def _confirmed_late(world):
    booking = world["old"].booking
    BookingChange.objects.filter(booking=booking).delete()
    BookingChange.objects.create(
        booking=booking, from_status="staffing", to_status="confirmed", at=timezone.now()
    )


def _changed_by_raw_sql(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE bookings_gig SET fee_amount = %s WHERE id = %s", [Decimal(999), world["old"].pk]
        )


@pytest.mark.parametrize(
    "change",
    [
        _late_report,
        _cancelled_in_bulk,
        _moved_to_another_organisation,
        _organisation_renamed,
        _municipality_changed,
        _area_added,
        _feedback_given,
        _paid_in_an_ended_month,
        _gig_added_to_an_ended_month,
        _confirmed_late,
        _changed_by_raw_sql,
    ],
)
def test_a_change_to_an_ended_month_is_in_the_next_figures(world, change):
    before, counted, _kept = kept_and_counted()
    assert before == counted
    change(world)
    after, counted, _kept = kept_and_counted()
    assert after == counted
    assert after != before  # the change moved a figure, and the kept one followed


def test_the_ended_months_are_read_from_the_cache_until_their_data_changes(world):
    first, _counted, kept = kept_and_counted()
    again = Figures(_scope(), keep=True)
    assert figures_of(again) == first
    assert again.as_of == kept.as_of  # counted once, read back
    # This month is counted live: a gig today shows at once, the ended months stay kept.
    add_gig(expert=world["aino"], unit=world["units"][0], day=_today().replace(day=1), hour=14)
    live = Figures(_scope(), keep=True)
    assert dashboard.period_total(_scope(), live).gigs == first["total"].gigs + 1
    assert live.as_of == kept.as_of
    # A change to an ended month counts them again.
    GigReport.objects.create(gig=world["old"], hours=Decimal("1.0"))
    recounted = Figures(_scope(), keep=True)
    assert dashboard.period_total(_scope(), recounted).hours != first["total"].hours
    assert dashboard.period_total(_scope(), recounted) == dashboard.period_total(_scope())


def test_a_change_to_this_month_leaves_the_ended_months_kept(world):
    kept_and_counted()
    logged = FigureChange.objects.count()
    GigReport.objects.create(gig=world["now"], hours=Decimal("2.0"))
    this_month = f"{world['now'].start:%Y-%m}"
    assert set(FigureChange.objects.order_by("pk").values_list("month", flat=True)[logged:]) == {
        this_month
    }


def test_an_unchanged_save_writes_no_change(world):
    logged = FigureChange.objects.count()
    booking = Booking.objects.get(pk=world["old"].booking_id)
    booking.title = "Toinen otsikko"  # not a figure
    booking.save()
    gig = Gig.objects.get(pk=world["old"].pk)
    gig.status = Gig.Status.REPORTED  # still a live gig: no figure moves
    gig.save()
    assert FigureChange.objects.count() == logged


def test_collapsing_the_change_log_keeps_the_kept_figures(world):
    report = GigReport.objects.create(gig=world["old"], hours=Decimal("1.0"))
    GigReport.objects.filter(pk=report.pk).update(hours=Decimal("2.0"))  # a month's 2nd change
    _first, _counted, kept = kept_and_counted()
    rows = FigureChange.objects.count()
    assert rows > 3
    assert figure_changes_collapse() > 0
    assert FigureChange.objects.count() < rows
    groups = FigureChange.objects.values("month", "source").distinct().count()
    assert groups == FigureChange.objects.count()
    again = Figures(_scope(), keep=True)
    figures_of(again)
    assert again.as_of == kept.as_of  # the same sums: nothing counted again


def test_the_pages_say_when_the_ended_months_were_counted_and_show_a_late_change(client, world):
    client.force_login(CoordinatorFactory(language="en"))
    url = reverse("reports_coordinator:funder")
    first = client.get(url)
    assert "The months before this one as counted at" in first.content.decode()
    month = dict(first.context["report"].months)
    label = f"{world['old'].start.month}/{world['old'].start.year}"
    assert month[label].gigs == 1
    _gig_added_to_an_ended_month(world)
    second = client.get(url)
    assert dict(second.context["report"].months)[label].gigs == 2
    dashboard_page = client.get(reverse("reports_coordinator:dashboard"))
    assert "The months before this one as counted at" in dashboard_page.content.decode()
    uptake = {r.name: r.gigs for r in dashboard_page.context["uptake"].rows}
    assert uptake["Tuki"] == 2  # the gig added above, in Tuki


def test_the_days_to_confirm_are_kept_as_their_sorted_values_and_the_median_stays_exact(world):
    """The ended months' confirmations are kept as one array of seconds (a national year is
    45,000 bookings: a row each took 90 ms to read back), and this month's join them."""
    for days, hour in ((9, 9), (5, 13)):
        booking = add_gig(
            expert=world["aino"],
            unit=world["units"][0],
            day=_today(),
            hour=hour,  # one expert's gigs never overlap (the database says so on PostgreSQL)
            created=timezone.now(),
        ).booking
        BookingChange.objects.create(
            booking=booking,
            from_status="staffing",
            to_status="confirmed",
            at=booking.created_at + timedelta(days=days),
        )
    kept = Figures(_scope(), keep=True)
    # 2, 2 (the ended months) and 5, 9 (this month): the median of four is (2 + 5) / 2.
    assert dashboard.confirmation_days(_scope(), kept) == (Decimal("3.5"), 4)
    kept.save()
    as_of, stored = cache.get(kept._keys["confirmed"])
    assert stored == array("d", [2 * 86400.0, 2 * 86400.0])
    again = Figures(_scope(), keep=True)
    assert dashboard.confirmation_days(_scope(), again) == (Decimal("3.5"), 4)
    assert again.as_of == as_of  # read back, not counted again
