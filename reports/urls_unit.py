from django.urls import path

from reports import views_personal as views

app_name = "reports_unit"

urlpatterns = [
    path("", views.unit_report, name="report"),
]
