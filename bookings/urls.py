from django.urls import path

from bookings import views

app_name = "bookings"
urlpatterns = [
    path("", views.unit_home, name="unit_home"),
]
