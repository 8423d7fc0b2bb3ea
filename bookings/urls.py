from django.urls import path

from bookings.views import reports, unit

app_name = "bookings"
urlpatterns = [
    path("", unit.unit_home, name="unit_home"),
    path("request/", unit.booking_request, name="request"),
    path("bookings/<int:pk>/", unit.booking_detail, name="detail"),
    path("bookings/<int:pk>/cancel/", unit.booking_cancel, name="cancel"),
    path("bookings/<int:pk>/feedback/", reports.booking_feedback, name="feedback"),
]
