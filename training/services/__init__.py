"""Business rules of training. Views and tasks call these; nothing changes a status elsewhere.

The names here are the top-level actions: each runs in its own durable transaction, and its side
effects (e-mails, certificate tasks, deleted files) happen when that commits. Code that already
holds a transaction (another service, demo data) calls the ``*_impl`` twin from the module.
"""

from training.services.applications import (
    application_accept,
    application_interview_record,
    application_reject,
    application_submit,
    application_withdraw,
)
from training.services.certificates import (
    certificate_check,
    certificate_context,
    certificate_issue,
    certificate_issue_later,
    certificate_remake,
)
from training.services.enrollments import (
    CompletionCheck,
    attendance_mark,
    cohort_capacity_check,
    cohort_enroll,
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
    "certificate_check",
    "certificate_context",
    "certificate_issue",
    "certificate_issue_later",
    "certificate_remake",
    "cohort_capacity_check",
    "cohort_enroll",
    "completion_check",
    "completion_evaluate",
    "enrollment_complete",
    "enrollment_create",
    "enrollment_status_set",
    "enrollments_start_due",
    "final_assignment_set",
]
