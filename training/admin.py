"""Administration of training. It is a view like any other: what the services own is read-only
here.

- Enrollments, attendance, applications and certificates are read-only and never deleted: their
  statuses, marks, decisions and files change only through the services (the trainer's and the
  coordinator's pages), which write a status-change or audit row.
- A programme's code and kind (the kind decides whether completing it certifies) are fixed once
  it has cohorts; a cohort's programme once it has participants; a session's cohort always. A
  cohort's capacity is never set below the number taking part, and a session with attendance
  marked is cancelled, never deleted.
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from expertbank import guarded_admin
from training.models import (
    Application,
    Attendance,
    Certificate,
    Cohort,
    Enrollment,
    EnrollmentStatusChange,
    Programme,
    Session,
)
from training.services import TrainingError, cohort_capacity_check


class ReadOnlyAdmin(guarded_admin.ModelAdmin):
    """Shown, never added, changed or deleted here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(guarded_admin.ModelAdmin):
    list_display = [
        "name_fi",
        "kind",
        "min_attendance_percent",
        "final_assignment_required",
        "excused_counts_as_attended",
        "active",
    ]
    list_filter = ["kind", "active"]
    search_fields = ["name_fi", "name_sv", "name_en", "code"]
    fieldsets = [
        (None, {"fields": ["code", "kind", "name_fi", "name_sv", "name_en", "order", "active"]}),
        (
            _("Completion rule"),
            {
                "fields": [
                    "min_attendance_percent",
                    "final_assignment_required",
                    "excused_counts_as_attended",
                ]
            },
        ),
        (_("After certification"), {"fields": ["paired_gigs"]}),
        (_("Description"), {"fields": ["description_fi", "description_sv", "description_en"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.cohorts.exists():
            return ["code", "kind"]
        return []


# Remote links without a scheme are https (Django 6's default; no warning until then).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def _deletable(session: Session) -> bool:
    # Attendance decides completion: a session that has it is cancelled instead.
    return session.pk is None or not session.attendances.exists()


class SessionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if not _deletable(form.instance):
                raise forms.ValidationError(
                    _("A session with attendance marked cannot be deleted. Cancel it instead.")
                )


class SessionInline(guarded_admin.TabularInline):
    model = Session
    formset = SessionFormSet
    formfield_overrides = URL_FIELDS
    extra = 0
    fields = ["starts_at", "ends_at", "topic", "place", "remote_link", "cancelled"]


class CohortAdminForm(forms.ModelForm):
    def clean_capacity(self) -> int:
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk:
            try:
                cohort_capacity_check(cohort=self.instance, capacity=capacity)
            except TrainingError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return capacity


@admin.register(Cohort)
class CohortAdmin(guarded_admin.ModelAdmin):
    form = CohortAdminForm
    list_display = [
        "name",
        "programme",
        "starts_on",
        "ends_on",
        "capacity",
        "open_for_applications",
        "application_deadline",
    ]
    list_filter = ["programme", "open_for_applications"]
    list_select_related = ["programme"]
    search_fields = ["name", "name_sv", "name_en", "place"]
    date_hierarchy = "starts_on"
    filter_horizontal = ["trainers"]
    inlines = [SessionInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.enrollments.exists():
            return ["programme"]  # the programme's completion rule applies to its participants
        return []

    def has_delete_permission(self, request, obj=None) -> bool:
        # Bulk deletion would skip the checks; a cohort with people in it is protected anyway.
        return obj is not None and super().has_delete_permission(request, obj)


@admin.register(Session)
class SessionAdmin(guarded_admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["topic", "cohort", "starts_at", "ends_at", "place", "cancelled"]
    list_filter = ["cancelled", "cohort__programme"]
    list_select_related = ["cohort"]
    search_fields = ["topic", "cohort__name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["cohort"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a session would move its attendance to another cohort's participants.
        return ["cohort"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is not None and _deletable(obj) and super().has_delete_permission(request, obj)


class StatusChangeInline(guarded_admin.TabularInline):
    model = EnrollmentStatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    """Enrolled on the cohort page or by accepting an application; statuses change on the
    cohort page, completion by the trainer."""

    list_display = ["expert", "cohort", "status", "final_assignment_accepted", "completed_on"]
    list_filter = ["status", "cohort__programme", "final_assignment_accepted"]
    list_select_related = ["expert__user", "cohort"]
    search_fields = ["expert__user__full_name", "expert__user__email", "cohort__name"]
    fields = [
        "expert",
        "cohort",
        "application",
        "status",
        "status_since",
        "final_assignment_accepted",
        "final_assignment_accepted_on",
        "completed_on",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [StatusChangeInline]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    """Marked on the session's attendance list, where the marks decide completion."""

    list_display = ["enrollment", "session", "status", "marked_by", "marked_at"]
    list_filter = ["status", "session__cohort"]
    list_select_related = ["enrollment__expert__user", "enrollment__cohort", "session", "marked_by"]
    search_fields = ["enrollment__expert__user__full_name", "session__topic"]
    fields = ["session", "enrollment", "status", "marked_by", "marked_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Applications come from the public form; interviews and decisions are on the
    coordinator's application page, which logs them."""

    list_display = ["full_name", "cohort", "municipality", "status", "created_at"]
    list_filter = ["status", "cohort", "language"]
    list_select_related = ["cohort"]
    search_fields = ["full_name", "email", "municipality"]
    date_hierarchy = "created_at"
    fields = [
        "cohort",
        "full_name",
        "email",
        "phone",
        "municipality",
        "areas",
        "motivation",
        "availability",
        "availability_note",
        "language",
        "notice",
        "consented_at",
        "status",
        "interview_at",
        "interview_notes",
        "decision_message",
        "decided_at",
        "decided_by",
        "created_at",
    ]
    readonly_fields = fields


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """Made by the certificate task; made again from the cohort page."""

    list_display = ["number", "enrollment", "issued_on", "language"]
    list_select_related = ["enrollment__expert__user", "enrollment__cohort"]
    search_fields = ["number", "enrollment__expert__user__full_name"]
    fields = ["enrollment", "number", "issued_on", "language", "download", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj: Certificate) -> str:
        # The file is not under a public URL; it is served by the permission-checked view.
        url = reverse("training:certificate_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download PDF"))
