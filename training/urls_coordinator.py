from django.urls import path

from training.views import coordinator

app_name = "training_coordinator"
urlpatterns = [
    path("", coordinator.overview, name="overview"),
    path("applications/", coordinator.application_list, name="application_list"),
    path("applications/<int:pk>/", coordinator.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/decision/",
        coordinator.application_decide,
        name="application_decide",
    ),
    path("cohorts/new/", coordinator.cohort_create, name="cohort_create"),
    path("cohorts/<int:pk>/edit/", coordinator.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:pk>/enroll/", coordinator.cohort_enroll_view, name="cohort_enroll"),
    path("enrollments/<int:pk>/status/", coordinator.enrollment_status, name="enrollment_status"),
    path(
        "enrollments/<int:pk>/certificate/",
        coordinator.certificate_remake_view,
        name="certificate_remake",
    ),
    path("supervision/", coordinator.supervision, name="supervision"),
]
