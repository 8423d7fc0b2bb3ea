from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from expertbank import views, views_notifications, views_sms
from expertbank.admin import admin_i18n_javascript, admin_login, admin_password_change

admin.site.site_header = _("Experience expert bank")
admin.site.site_title = _("Experience expert bank")
# The admin logs in (and changes passwords) through the site's pages and their rate limits.
admin.site.login = admin_login
admin.site.password_change = admin_password_change
# The admin's widgets speak the user's language (Django's Finnish catalogue has gaps).
admin.site.i18n_javascript = admin_i18n_javascript

urlpatterns = [
    path("", views.home, name="home"),
    path("coordinator/", views.coordinator_home, name="coordinator_home"),
    path("coordinator/invitations/", views.invitation_list, name="invitation_list"),
    path("coordinator/retention/", views.retention_policy, name="retention_policy"),
    path("coordinator/messages/", views_notifications.message_log_view, name="message_log"),
    path(
        "coordinator/messages/<int:pk>/retry/",
        views_notifications.message_retry_view,
        name="message_retry",
    ),
    path(
        "accounts/notifications/",
        views_notifications.notification_preferences,
        name="notification_preferences",
    ),
    path("sms/inbound/", views_sms.sms_inbound, name="sms_inbound"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("language/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("expert/", include("experts.urls")),
    path("coordinator/experts/", include("experts.urls_coordinator")),
    path("unit/figures/", include("reports.urls_unit")),
    path("expert/figures/", include("reports.urls_expert")),
    path("unit/", include("bookings.urls")),
    path("gigs/", include("bookings.urls_expert")),
    path("coordinator/bookings/", include("bookings.urls_coordinator")),
    path("unit/invoices/", include("invoicing.urls_unit")),
    path("coordinator/invoicing/", include("invoicing.urls_coordinator")),
    path("payments/", include("invoicing.urls_expert")),
    path("training/", include("training.urls")),
    path("coordinator/training/", include("training.urls_coordinator")),
    path("coordinator/", include("reports.urls_coordinator")),
    path("apply/", include("training.urls_public")),
    path("panel/", include("bookings.urls_public")),
    path("admin/", admin.site.urls),
]
