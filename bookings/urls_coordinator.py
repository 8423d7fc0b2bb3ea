from django.urls import path

from bookings.views import coordinator, matching, reports, reports_coordinator

app_name = "bookings_coordinator"
urlpatterns = [
    path("", coordinator.booking_list, name="list"),
    path("<int:pk>/", coordinator.booking_detail, name="detail"),
    path("<int:pk>/reject/", coordinator.booking_reject, name="reject"),
    path("<int:pk>/candidates/", matching.booking_ranked, name="candidates"),
    path("<int:pk>/confirm/", coordinator.booking_confirm, name="confirm"),
    path("<int:pk>/cancel/", coordinator.booking_cancel, name="cancel"),
    path("<int:pk>/deliver/", coordinator.booking_deliver, name="deliver"),
    path("<int:pk>/funding/", coordinator.booking_funding, name="funding"),
    path("times/<int:pk>/reschedule/", coordinator.occurrence_reschedule, name="reschedule"),
    path("assignments/<int:pk>/withdraw/", coordinator.assignment_withdraw, name="withdraw"),
    path("units/", coordinator.unit_list, name="units"),
    path("units/<int:pk>/invite/", coordinator.member_invite, name="invite"),
    path("reports/", reports_coordinator.report_list, name="reports"),
    path("reports/<int:pk>/", reports_coordinator.report_detail, name="report"),
    path(
        "reports/<int:pk>/approve/", reports_coordinator.report_approve_view, name="report_approve"
    ),
    path("reports/<int:pk>/return/", reports_coordinator.report_return_view, name="report_return"),
    path("receipts/<int:pk>/", reports.receipt, name="receipt"),
    path("checkins/", reports_coordinator.checkin_list, name="checkins"),
    path(
        "checkins/<int:pk>/arrange/",
        reports_coordinator.checkin_arrange_view,
        name="checkin_arrange",
    ),
    path("feedback/", reports_coordinator.feedback_list, name="feedback"),
    path(
        "feedback/<int:pk>/release/",
        reports_coordinator.feedback_release_view,
        name="feedback_release",
    ),
]
