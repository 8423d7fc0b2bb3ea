"""Business rules of training. Views and tasks call these; nothing changes a status elsewhere."""

from training.services.applications import (
    application_accept,
    application_interview_record,
    application_reject,
    application_submit,
    application_withdraw,
)
from training.services.certificates import (
    certificate_context,
    certificate_issue,
    certificate_issue_later,
)
from training.services.enrollments import (
    CompletionCheck,
    attendance_mark,
    completion_check,
    completion_evaluate,
    enrollment_complete,
    enrollment_create,
    enrollment_status_set,
    enrollments_start_due,
    final_assignment_set,
)
from training.services.errors import DuplicateApplicationError, TrainingError

__all__ = [
    "CompletionCheck",
    "DuplicateApplicationError",
    "TrainingError",
    "application_accept",
    "application_interview_record",
    "application_reject",
    "application_submit",
    "application_withdraw",
    "attendance_mark",
    "certificate_context",
    "certificate_issue",
    "certificate_issue_later",
    "completion_check",
    "completion_evaluate",
    "enrollment_complete",
    "enrollment_create",
    "enrollment_status_set",
    "enrollments_start_due",
    "final_assignment_set",
]
