"""The expert portal, mounted at /expert/. No URL names another expert."""

from django.urls import path

from experts.views import exports, portal

app_name = "experts"
urlpatterns = [
    path("", portal.portal_home, name="portal_home"),
    path("profile/", portal.profile, name="profile"),
    path("profile/my-data.json", exports.my_data_download, name="data_export"),
    path("availability/", portal.availability, name="availability"),
    path("availability/times/", portal.slot_create, name="slot_create"),
    path("availability/times/<int:pk>/remove/", portal.slot_delete, name="slot_delete"),
    path("availability/days-off/", portal.blackout_create, name="blackout_create"),
    path("availability/days-off/<int:pk>/remove/", portal.blackout_delete, name="blackout_delete"),
    path("availability/limits/", portal.limits, name="limits"),
    path("support/", portal.support, name="support"),
    path("privacy/", portal.privacy, name="privacy"),
    path("privacy/consent/", portal.consent, name="consent"),
    path("privacy/withdraw/", portal.consent_withdraw_confirm, name="consent_withdraw"),
    path("documents/", portal.documents, name="documents"),
]
