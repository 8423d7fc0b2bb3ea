"""The public application pages of the panels' open calls (no login)."""

from django.urls import path

from bookings.views import panels

app_name = "panels_public"
urlpatterns = [
    path("<uuid:token>/", panels.panel_apply, name="apply"),
    path("<uuid:token>/thanks/", panels.panel_apply_thanks, name="thanks"),
]
