from django.urls import path

from reports import views_coordinator as views

app_name = "reports_coordinator"

urlpatterns = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("reports/uptake/", views.uptake_view, name="uptake"),
    path("reports/funder/", views.funder_view, name="funder"),
]
