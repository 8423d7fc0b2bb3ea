"""The demo after the gigs: reports waiting, approved with receipts and returned; a check-in
asking for a debrief; released and unreleased feedback; gigs the demo expert must report."""

from bookings.models import CheckIn, Expense, Feedback, Gig, GigReport
from bookings.selectors.after import expert_gigs_to_report
from expertbank.demo import DEMO_DOMAIN
from experts.models import Expert


def test_the_demo_has_the_work_after_the_gigs():
    statuses = set(GigReport.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "returned", "approved"}
    assert Gig.objects.filter(status="reported", report__status="submitted").count() >= 3
    returned = GigReport.objects.get(status="returned")
    assert returned.gig.status == Gig.Status.PLANNED and returned.review_note
    for gig in Gig.objects.filter(status__in=["reported", "approved", "paid"]):
        assert GigReport.objects.filter(gig=gig).exists()
    for gig in Gig.objects.filter(status__in=["approved", "paid"]):
        assert gig.billable_amount is not None
    assert Expense.objects.filter(report__status="approved").exists()
    assert all(expense.receipt for expense in Expense.objects.all())
    assert CheckIn.objects.filter(wants_debrief=True, handled_at__isnull=True).exists()
    assert Feedback.objects.filter(released_at__isnull=True).exists()
    assert Feedback.objects.filter(released_at__isnull=False).exists()
    anna = Expert.objects.get(user__email=f"asiantuntija@{DEMO_DOMAIN}")
    assert expert_gigs_to_report(anna).count() >= 2
