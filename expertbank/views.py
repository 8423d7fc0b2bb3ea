from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from expertbank.forms import InvitationForm, InvitationPasswordForm
from expertbank.models import Invitation
from expertbank.queue import queue_panels
from expertbank.roles import Role, role_required, start_page, user_roles
from expertbank.services.invitations import (
    InvitationError,
    invitation_create,
    invitation_from_token,
)
from expertbank.services.invitations import (
    invitation_accept as invitation_accept_service,
)


def home(request: HttpRequest) -> HttpResponse:
    """Sends each user to their own start page; anonymous visitors see what the bank is."""
    if request.user.is_authenticated:
        target = start_page(request.user)
        if target:
            return redirect(target)
        return render(request, "expertbank/no_role.html")
    return render(request, "expertbank/home.html")


@role_required(Role.COORDINATOR)
def coordinator_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "expertbank/coordinator_home.html",
        {"roles": user_roles(request.user), "panels": queue_panels(request)},
    )


@role_required(Role.COORDINATOR)
def invitation_list(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                language=form.cleaned_data["language"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except InvitationError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("invitation_list")
    invitations = Invitation.objects.select_related("user", "invited_by")[:100]
    return render(
        request, "expertbank/invitation_list.html", {"form": form, "invitations": invitations}
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the set-password form; only POST changes anything (mail scanners follow links)."""
    try:
        invitation = invitation_from_token(token)
    except InvitationError as exc:
        return render(request, "expertbank/invitation_invalid.html", {"error": exc}, status=400)
    form = InvitationPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept_service(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
        except InvitationError as exc:
            return render(request, "expertbank/invitation_invalid.html", {"error": exc}, status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your password is set and you are logged in."))
        return redirect("home")
    return render(
        request, "expertbank/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the user's profile when they are logged in."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in dict(user._meta.get_field("language").choices):
        user.language = language
        user.save(update_fields=["language"])
    return response


@role_required(Role.COORDINATOR)
def retention_policy(request: HttpRequest) -> HttpResponse:
    """What personal data is kept, how long, why and what happens, with what is due now."""
    from expertbank.retention import retention_due, rules

    due = retention_due()
    rows = [
        {
            "rule": rule,
            "period": rule.period(),
            "due": due.get(rule.key),
        }
        for rule in rules()
    ]
    return render(request, "expertbank/retention.html", {"rows": rows})
