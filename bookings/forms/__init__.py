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
from bookings.forms.feedback import FeedbackForm, ImpactAnswerForm
from bookings.forms.requests import (
    BookingEditForm,
    BookingRequestForm,
    CancelForm,
    CoordinatorCancelForm,
    CoordinatorRequestForm,
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
    PairOfferForm,
    ReplaceForm,
    RepriceForm,
    RescheduleForm,
)

__all__ = [
    "ArrangeForm",
    "BookingChangeForm",
    "BookingEditForm",
    "BookingRequestForm",
    "CancelForm",
    "CheckInForm",
    "CoordinatorCancelForm",
    "CoordinatorRequestForm",
    "ExpenseForm",
    "ExpenseFormSet",
    "FeedbackForm",
    "FundingForm",
    "ImpactAnswerForm",
    "MemberInviteForm",
    "OfferForm",
    "OptionalReasonForm",
    "PairOfferForm",
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
