from pathlib import Path

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from expertbank import guarded_admin
from expertbank.models import Invitation, Message, User
from expertbank.permissions import may_manage_access
from expertbank.redirects import safe_next


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin has no login of its own: everyone logs in through the site's login, with its
    rate limits and e-mail verification, and comes back to ``next``."""
    next_url = safe_next(request, reverse("admin:index"), field=REDIRECT_FIELD_NAME)
    if admin.site.has_permission(request):
        return HttpResponseRedirect(next_url)
    if request.user.is_authenticated:
        # Logged in without admin access: the site's login would only send them back here.
        raise PermissionDenied
    return redirect_to_login(next_url)


# The admin's JavaScript strings that Django's own catalogue leaves untranslated (Finnish: the
# selector widget's "Choose all %s" and its arrows, "(click to clear)").
ADMIN_CATALOGUE = Path(__file__).resolve().parent / "admin_catalogue"


class AdminJavaScriptCatalog(JavaScriptCatalog):
    """Django's admin catalogue with the project's supplement merged over it."""

    def get_paths(self, packages):
        return [*super().get_paths(packages), str(ADMIN_CATALOGUE)]


def admin_i18n_javascript(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin's JavaScript catalogue in the user's language, Django's own gaps filled."""
    return AdminJavaScriptCatalog.as_view(packages=["django.contrib.admin"])(request)


def admin_password_change(request: HttpRequest, extra_context=None) -> HttpResponse:
    """One way to change one's password: the site's page, with its rate limit."""
    return redirect("account_change_password")


@admin.register(User)
class UserAdmin(guarded_admin.GuardedModelAdminMixin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "language", "groups"]
    search_fields = ["email", "full_name"]
    # Set only by the person typing the texted code; a changed phone clears it (issue 17).
    readonly_fields = ["phone_verified_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "phone", "phone_verified_at", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    # What a coordinator may change: no e-mail (the login and the password reset go there), no
    # password, no roles.
    limited_fieldsets = [
        (None, {"fields": ["email"]}),
        (_("Personal info"), {"fields": ["full_name", "phone", "phone_verified_at", "language"]}),
        (_("Permissions"), {"fields": ["is_active"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None or may_manage_access(request.user):
            return super().get_fieldsets(request, obj)
        return self.limited_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if may_manage_access(request.user):
            return super().get_readonly_fields(request, obj)
        return ["email", "last_login", "date_joined", "phone_verified_at"]

    def has_add_permission(self, request) -> bool:
        # People come in by invitation (/coordinator/invitations/).
        return may_manage_access(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is not None and (obj.is_staff or obj.is_superuser):
            # An account with admin access is a role: only superusers touch it.
            return may_manage_access(request.user)
        return True

    def has_delete_permission(self, request, obj=None) -> bool:
        return may_manage_access(request.user) and super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not may_manage_access(request.user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


@admin.register(Invitation)
class InvitationAdmin(guarded_admin.ModelAdmin):
    list_display = ["email", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_select_related = ["invited_by"]
    search_fields = ["email"]
    readonly_fields = ["email", "user", "invited_by", "created_at", "expires_at", "accepted_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(guarded_admin.ModelAdmin):
    """The message log, read-only: to whom, what, when and how it went."""

    list_display = [
        "created_at",
        "kind",
        "channel",
        "to",
        "language",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "channel", "kind", "language", "created_at", "sent_at"]
    search_fields = ["to", "key", "kind", "subject", "recipient__email", "recipient__full_name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
