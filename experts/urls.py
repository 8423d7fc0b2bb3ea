from django.urls import path

from experts import views

app_name = "experts"
urlpatterns = [
    path("", views.portal_home, name="portal_home"),
]
