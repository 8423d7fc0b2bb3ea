from django.urls import path

from bookings.urls_panels import panel_patterns
from bookings.views import feedback, impact, requests

app_name = "bookings"
urlpatterns = [
    path("", requests.unit_home, name="unit_home"),
    path("request/", requests.booking_request, name="request"),
    path("bookings/<int:pk>/", requests.booking_detail, name="detail"),
    path("bookings/<int:pk>/cancel/", requests.booking_cancel, name="cancel"),
    path("bookings/<int:pk>/feedback/", feedback.booking_feedback, name="feedback"),
    path("bookings/<int:pk>/impact/<int:mark>/", impact.booking_impact, name="impact"),
    *panel_patterns(app_name),
]
