from django.urls import path

from bookings.views import after, feedback, matching, staffing

app_name = "bookings_coordinator"
urlpatterns = [
    path("", staffing.booking_list, name="list"),
    path("<int:pk>/", staffing.booking_detail, name="detail"),
    path("<int:pk>/reject/", staffing.booking_reject, name="reject"),
    path("<int:pk>/candidates/", matching.booking_ranked, name="candidates"),
    path("<int:pk>/confirm/", staffing.booking_confirm, name="confirm"),
    path("<int:pk>/cancel/", staffing.booking_cancel, name="cancel"),
    path("<int:pk>/deliver/", staffing.booking_deliver, name="deliver"),
    path("<int:pk>/funding/", staffing.booking_funding, name="funding"),
    path("<int:pk>/change/", staffing.booking_change, name="change"),
    path("<int:pk>/terms/", staffing.booking_reprice, name="reprice"),
    path("times/<int:pk>/reschedule/", staffing.occurrence_reschedule, name="reschedule"),
    path("assignments/<int:pk>/withdraw/", staffing.assignment_withdraw, name="withdraw"),
    path("units/", staffing.unit_list, name="units"),
    path("units/<int:pk>/invite/", staffing.member_invite, name="invite"),
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
]
