"""The panel pages, mounted twice: in the unit portal and in the coordinator's pages (the same
views, scoped by ``ns``: a unit sees its organisation's panels, a coordinator all)."""

from django.urls import path

from bookings.views import panels


def panel_patterns(ns: str) -> list:
    scope = {"ns": ns}
    return [
        path("panels/", panels.panel_list, scope, name="panels"),
        path("panels/new/", panels.panel_new, scope, name="panel_new"),
        path("panels/<int:pk>/", panels.panel_detail, scope, name="panel"),
        path("panels/<int:pk>/call/", panels.panel_call, scope, name="panel_call"),
        path(
            "panels/<int:pk>/applications/",
            panels.panel_applications,
            scope,
            name="panel_applications",
        ),
        path(
            "panels/applications/<int:pk>/",
            panels.panel_application_decide,
            scope,
            name="panel_application",
        ),
        path("panels/<int:pk>/members/", panels.panel_member_add, scope, name="panel_member_add"),
        path(
            "panels/members/<int:pk>/leave/",
            panels.panel_member_leave,
            scope,
            name="panel_member_leave",
        ),
        path(
            "panels/<int:pk>/meetings/", panels.panel_meeting_add, scope, name="panel_meeting_add"
        ),
        path("panels/meetings/<int:pk>/", panels.panel_meeting, scope, name="panel_meeting"),
        path(
            "panels/meetings/<int:pk>/minutes.pdf",
            panels.panel_minutes_file,
            scope,
            name="panel_minutes",
        ),
        path(
            "panels/attendance/<int:pk>/",
            panels.panel_attendance_correct,
            scope,
            name="panel_attendance",
        ),
        path("panels/<int:pk>/changes/", panels.panel_change_add, scope, name="panel_change_add"),
    ]
