from django.urls import path

from bookings.urls_panels import panel_patterns
from bookings.views import after, feedback, matching, on_behalf, pairs, register, staffing

app_name = "bookings_coordinator"
urlpatterns = [
    path("", staffing.booking_list, name="list"),
    path("new/", on_behalf.booking_new, name="new"),
    path("<int:pk>/", staffing.booking_detail, name="detail"),
    path("<int:pk>/reject/", staffing.booking_reject, name="reject"),
    path("<int:pk>/candidates/", matching.booking_ranked, name="candidates"),
    path("<int:pk>/confirm/", staffing.booking_confirm, name="confirm"),
    path("<int:pk>/cancel/", staffing.booking_cancel, name="cancel"),
    path("<int:pk>/deliver/", staffing.booking_deliver, name="deliver"),
    path("<int:pk>/funding/", staffing.booking_funding, name="funding"),
    path("<int:pk>/change/", staffing.booking_change, name="change"),
    path("<int:pk>/edit/", on_behalf.booking_edit, name="edit"),
    path("<int:pk>/terms/", staffing.booking_reprice, name="reprice"),
    path("<int:pk>/cover/", staffing.booking_cover_mode, name="cover_mode"),
    path("times/<int:pk>/reschedule/", staffing.occurrence_reschedule, name="reschedule"),
    path("assignments/<int:pk>/withdraw/", staffing.assignment_withdraw, name="withdraw"),
    path("assignments/<int:pk>/pair-debrief/", pairs.pair_debrief, name="pair_debrief"),
    path("units/", staffing.unit_list, name="units"),
    path("units/<int:pk>/invite/", staffing.member_invite, name="invite"),
    path("units/<int:pk>/edit/", register.unit_edit, name="unit_edit"),
    path("units/<int:pk>/active/", register.unit_active, name="unit_active"),
    path("organisations/", register.organisation_list, name="organisations"),
    path("organisations/new/", register.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", register.organisation_detail, name="organisation"),
    path(
        "organisations/<int:pk>/active/", register.organisation_active, name="organisation_active"
    ),
    path("organisations/<int:pk>/units/new/", register.unit_create, name="unit_create"),
    path("price-lists/", register.price_list_list, name="price_lists"),
    path("price-lists/new/", register.price_list_create, name="price_list_create"),
    path("price-lists/<int:pk>/", register.price_list_detail, name="price_list"),
    path("price-lists/<int:pk>/versions/new/", register.price_version_add, name="price_version"),
    path("price-lists/<int:pk>/active/", register.price_list_active, name="price_list_active"),
    path("funding/", register.funding_list, name="funding_sources"),
    path("funding/new/", register.funding_create, name="funding_create"),
    path("funding/<int:pk>/", register.funding_edit, name="funding_edit"),
    path("funding/<int:pk>/active/", register.funding_active, name="funding_active"),
    path("reports/", after.report_list, name="reports"),
    path("reports/<int:pk>/", after.report_detail, name="report"),
    path("reports/<int:pk>/approve/", after.report_approve_view, name="report_approve"),
    path("reports/<int:pk>/return/", after.report_return_view, name="report_return"),
    path("reports/<int:pk>/write-off/", after.gig_write_off_view, name="write_off"),
    path("receipts/<int:pk>/", after.coordinator_receipt, name="receipt"),
    path("checkins/", after.checkin_list, name="checkins"),
    path(
        "checkins/<int:pk>/arrange/",
        after.checkin_arrange_view,
        name="checkin_arrange",
    ),
    path("feedback/", feedback.feedback_list, name="feedback"),
    path(
        "feedback/<int:pk>/release/",
        feedback.feedback_release_view,
        name="feedback_release",
    ),
    *panel_patterns(app_name),
]
