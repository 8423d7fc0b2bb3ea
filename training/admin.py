"""Administration of training. Statuses of enrollments and applications change only through
the services (the coordinator pages), so they are read-only here."""

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
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
        (_("Description"), {"fields": ["description_fi", "description_sv", "description_en"]}),
    ]


# Remote links without a scheme are https (Django 6's default; no warning until then).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class SessionInline(admin.TabularInline):
    model = Session
    formfield_overrides = URL_FIELDS
    extra = 0
    fields = ["starts_at", "ends_at", "topic", "place", "remote_link", "cancelled"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
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
    search_fields = ["name", "place"]
    date_hierarchy = "starts_on"
    filter_horizontal = ["trainers"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["topic", "cohort", "starts_at", "ends_at", "place", "cancelled"]
    list_filter = ["cancelled", "cohort__programme"]
    list_select_related = ["cohort"]
    search_fields = ["topic", "cohort__name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["cohort"]


class StatusChangeInline(admin.TabularInline):
    model = EnrollmentStatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["expert", "cohort", "status", "final_assignment_accepted", "completed_on"]
    list_filter = ["status", "cohort__programme", "final_assignment_accepted"]
    list_select_related = ["expert__user", "cohort"]
    search_fields = ["expert__user__full_name", "expert__user__email", "cohort__name"]
    raw_id_fields = ["expert", "cohort", "application"]
    readonly_fields = [
        "status",
        "status_since",
        "final_assignment_accepted",
        "final_assignment_accepted_on",
        "completed_on",
        "created_at",
    ]
    inlines = [StatusChangeInline]

    def has_add_permission(self, request) -> bool:
        return False  # through "Add experts" on the cohort page or an accepted application


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "session", "status", "marked_by", "marked_at"]
    list_filter = ["status", "session__cohort"]
    list_select_related = ["enrollment__expert__user", "enrollment__cohort", "session", "marked_by"]
    search_fields = ["enrollment__expert__user__full_name", "session__topic"]
    raw_id_fields = ["session", "enrollment", "marked_by"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["full_name", "cohort", "municipality", "status", "created_at"]
    list_filter = ["status", "cohort", "language"]
    list_select_related = ["cohort"]
    search_fields = ["full_name", "email", "municipality"]
    date_hierarchy = "created_at"
    filter_horizontal = ["areas"]
    readonly_fields = [
        "status",
        "language",
        "notice",
        "consented_at",
        "decided_at",
        "decided_by",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # applications come from the public form


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
