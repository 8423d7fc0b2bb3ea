from django.urls import path

from bookings.views import coordinator

app_name = "bookings_coordinator"
urlpatterns = [
    path("", coordinator.booking_list, name="list"),
    path("<int:pk>/", coordinator.booking_detail, name="detail"),
    path("<int:pk>/reject/", coordinator.booking_reject, name="reject"),
    path("<int:pk>/candidates/", coordinator.booking_candidates, name="candidates"),
    path("<int:pk>/confirm/", coordinator.booking_confirm, name="confirm"),
    path("<int:pk>/cancel/", coordinator.booking_cancel, name="cancel"),
    path("<int:pk>/deliver/", coordinator.booking_deliver, name="deliver"),
    path("<int:pk>/funding/", coordinator.booking_funding, name="funding"),
    path("times/<int:pk>/reschedule/", coordinator.occurrence_reschedule, name="reschedule"),
    path("assignments/<int:pk>/withdraw/", coordinator.assignment_withdraw, name="withdraw"),
    path("units/", coordinator.unit_list, name="units"),
    path("units/<int:pk>/invite/", coordinator.member_invite, name="invite"),
]
