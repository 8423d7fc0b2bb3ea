"""Forms, one module per part: a unit's request (``requests``), the coordinator's staffing
(``staffing``), the work after a gig (``after``) and feedback (``feedback``)."""

from bookings.forms.after import (
    ArrangeForm,
    CheckInForm,
    ExpenseForm,
    ExpenseFormSet,
    ReportForm,
    ReturnForm,
    WriteOffForm,
)
from bookings.forms.feedback import FeedbackForm
from bookings.forms.requests import (
    BookingRequestForm,
    CancelForm,
    CoordinatorCancelForm,
    OptionalReasonForm,
    ReasonForm,
    WorkingBlockForm,
    WorkingBlockFormSet,
)
from bookings.forms.staffing import (
    BookingChangeForm,
    FundingForm,
    MemberInviteForm,
    OfferForm,
    ReplaceForm,
    RepriceForm,
    RescheduleForm,
)

__all__ = [
    "ArrangeForm",
    "BookingChangeForm",
    "BookingRequestForm",
    "CancelForm",
    "CheckInForm",
    "CoordinatorCancelForm",
    "ExpenseForm",
    "ExpenseFormSet",
    "FeedbackForm",
    "FundingForm",
    "MemberInviteForm",
    "OfferForm",
    "OptionalReasonForm",
    "ReasonForm",
    "ReplaceForm",
    "ReportForm",
    "RepriceForm",
    "RescheduleForm",
    "ReturnForm",
    "WorkingBlockForm",
    "WorkingBlockFormSet",
    "WriteOffForm",
]
