from django.urls import path

from reports import views_personal as views

app_name = "reports_expert"

urlpatterns = [
    path("", views.expert_record, name="record"),
    path("certificate.pdf", views.expert_certificate, name="certificate"),
]
