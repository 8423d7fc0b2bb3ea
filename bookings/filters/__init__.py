"""List filters, one module per part: the coordinator's bookings (``staffing``), reports and
check-ins (``after``) and feedback (``feedback``)."""

from bookings.filters.after import CheckInFilter, ReportFilter
from bookings.filters.feedback import FeedbackFilter
from bookings.filters.staffing import BookingFilter

__all__ = ["BookingFilter", "CheckInFilter", "FeedbackFilter", "ReportFilter"]
