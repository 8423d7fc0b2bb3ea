from django.urls import path  # noqa: F401

app_name = "experts_coordinator"
urlpatterns: list = []
