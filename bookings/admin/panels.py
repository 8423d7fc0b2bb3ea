"""Customer panels, read-only: the call, choosing members, meetings, attendance, minutes and
changes go through the panel pages (bookings.views.panels), which keep the seats, fees and
messages right."""

from __future__ import annotations

from django.contrib import admin

from bookings.admin.after import ReadOnlyAdmin
from bookings.admin.bookings import ReadOnlyInline
from bookings.models import Panel, PanelApplication, PanelChange, PanelMeeting, PanelMember


class MemberInline(ReadOnlyInline):
    model = PanelMember
    fields = ["expert", "term_start", "term_end", "left_on"]


class MeetingInline(ReadOnlyInline):
    model = PanelMeeting
    fields = ["occurrence", "agenda", "attendance_recorded_at"]


class ChangeInline(ReadOnlyInline):
    model = PanelChange
    fields = ["day", "change", "meeting"]


@admin.register(Panel)
class PanelAdmin(ReadOnlyAdmin):
    list_display = ["name_fi", "unit", "term_start", "term_end", "call_open"]
    list_select_related = ["unit__organisation"]
    list_filter = ["call_open"]
    search_fields = ["name_fi", "name_sv", "name_en", "unit__name"]
    fields = [
        "name_fi",
        "name_sv",
        "name_en",
        "unit",
        "purpose",
        "term_start",
        "term_end",
        "meetings_per_year",
        "criteria",
        "call_open",
        "place",
        "booking",
        "created_at",
    ]
    inlines = [MemberInline, MeetingInline, ChangeInline]


@admin.register(PanelApplication)
class PanelApplicationAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "panel", "status", "submitted_at", "decided_at"]
    list_select_related = ["panel"]
    list_filter = ["status"]
    search_fields = ["full_name", "email", "panel__name_fi"]
    fields = [
        "panel",
        "full_name",
        "email",
        "phone",
        "language",
        "answers",
        "why",
        "notice",
        "consented_at",
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
    ]
