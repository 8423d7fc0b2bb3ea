from django.urls import path

from training.views import expert, trainer

app_name = "training"
urlpatterns = [
    path("", trainer.home, name="home"),
    path("cohorts/", trainer.cohort_list, name="cohort_list"),
    path("cohorts/<int:pk>/", trainer.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/sessions/new/", trainer.session_create, name="session_create"),
    path("sessions/<int:pk>/", trainer.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", trainer.session_edit, name="session_edit"),
    path(
        "enrollments/<int:pk>/assignment/",
        trainer.enrollment_assignment,
        name="enrollment_assignment",
    ),
    path(
        "enrollments/<int:pk>/complete/",
        trainer.enrollment_complete_view,
        name="enrollment_complete",
    ),
    # The expert's own training and certificates (the expert portal links here).
    path("my/", expert.my_training, name="my_training"),
    path("certificates/<int:pk>/", expert.certificate_download, name="certificate_download"),
]
