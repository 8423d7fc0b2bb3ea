"""Each person's choice of channels, and the coordinators' message log."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from expertbank.message_kinds import (
    CATEGORIES,
    KINDS,
    category_choices,
    category_is_essential,
)
from expertbank.message_log import MessageFilter, message_log
from expertbank.models import Message, NotificationPreference
from expertbank.paging import Capped, page_of, query_without_page
from expertbank.phones import phone_display
from expertbank.ratelimit import rate_limit_exceeded
from expertbank.roles import Role, role_required, user_roles
from expertbank.services.notifications import (
    channel_choice,
    discreet_set,
    message_retry,
    notification_preferences_set,
    plain_language_set,
)
from expertbank.services.phone_verification import (
    PhoneVerificationError,
    phone_code_check,
    phone_code_pending,
    phone_code_send,
)

# Codes asked from one address (whoever asks): a second limit beside each person's own.
PHONE_CODE_RATE = 10
PHONE_CODE_WINDOW = 60 * 60

CHOICE_LABELS = {
    "email": gettext_lazy("E-mail"),
    "sms": gettext_lazy("Text message"),
    "both": gettext_lazy("E-mail and text message"),
    "none": gettext_lazy("Not at all"),
}


def _categories_for(user) -> list[str]:
    roles = {str(role) for role in user_roles(user)}
    return [
        category
        for category, info in CATEGORIES.items()
        if roles & set(info["roles"]) or category == "account"
    ]


class PreferencesForm(forms.Form):
    """One choice per category the person's roles get; a category that is all essential and
    has no SMS is shown as always on, without a choice."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.always_on = []
        for category in _categories_for(user):
            choices = category_choices(category)
            label = CATEGORIES[category]["label"]
            if len(choices) == 1:
                self.always_on.append(label)
                continue
            essential = category_is_essential(category)
            has_essential = any(
                info["essential"] for info in KINDS.values() if info["category"] == category
            )
            help_text = ""
            if essential:
                help_text = _("These always come by e-mail; you may have them as a text too.")
            elif has_essential:
                help_text = _("Decisions and demands among these always come by e-mail.")
            self.fields[category] = forms.ChoiceField(
                label=label,
                choices=[(choice, CHOICE_LABELS[choice]) for choice in choices],
                widget=forms.RadioSelect,
                initial=channel_choice(user, category),
                help_text=help_text,
            )


def _phone_verification(request: HttpRequest) -> HttpResponse:
    """The phone section's two little forms: send a code to one's own number, type it."""
    user = request.user
    try:
        if request.POST["phone_action"] == "send":
            if rate_limit_exceeded(
                request, scope="phone-code", limit=PHONE_CODE_RATE, window=PHONE_CODE_WINDOW
            ):
                raise PhoneVerificationError(
                    _("You have asked for several codes just now. Wait an hour and try again.")
                )
            phone_code_send(user=user)
            messages.success(
                request,
                _("We texted a code to your number. Type it below within ten minutes."),
            )
        elif request.POST["phone_action"] == "verify":
            phone_code_check(user=user, code=request.POST.get("code", ""))
            messages.success(request, _("Your phone number is verified."))
        else:
            raise PhoneVerificationError(_("Choose whether to send a code or check one."))
    except PhoneVerificationError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("notification_preferences") + "#phone")


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST" and "phone_action" in request.POST:
        # Verifying one's own number (issue 17): its own little form on this page.
        return _phone_verification(request)
    is_expert = Role.EXPERT in user_roles(user)
    if request.method == "POST" and "discreet" in request.POST and is_expert:
        # Discreet mode (issue 17): its own little form on this page.
        choice = request.POST["discreet"]
        if choice in ("0", "1"):
            discreet_set(user=user, discreet=choice == "1")
            messages.success(
                request,
                _("Discreet mode is on: the details are behind your login.")
                if choice == "1"
                else _("Discreet mode is off."),
            )
        else:
            messages.error(request, _("Choose whether discreet mode is on or off."))
        return redirect("notification_preferences")
    if request.method == "POST" and "plain_language" in request.POST and is_expert:
        # Plain language (issue 17): its own little form on this page, like discreet mode.
        choice = request.POST["plain_language"]
        if choice in ("0", "1"):
            plain_language_set(user=user, plain=choice == "1")
            messages.success(
                request,
                pgettext("plain", "Plain language is on. Your pages and messages are now short.")
                if choice == "1"
                else _("Plain language is off."),
            )
        else:
            messages.error(request, _("Choose whether plain language is on or off."))
        return redirect("notification_preferences")
    form = PreferencesForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(user=user, choices=form.cleaned_data)
        messages.success(request, _("Your choices are saved."))
        return redirect("notification_preferences")
    chosen = NotificationPreference.objects.filter(user=user).count()
    return render(
        request,
        "expertbank/notification_preferences.html",
        {
            "form": form,
            "has_phone": bool(user.phone),
            "phone_shown": phone_display(user.phone),
            "phone_code_sent": phone_code_pending(user),
            "chosen": chosen,
            "is_expert": is_expert,
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.COORDINATOR)
def message_log_view(request: HttpRequest) -> HttpResponse:
    rows = message_log()
    filters = MessageFilter(request.GET or None, queryset=rows)
    if filters.is_bound:
        rows = filters.qs
    # The log grows by a million rows: counted up to 10,000 only (issue 19).
    page = page_of(request, Capped(rows))
    return render(
        request,
        "expertbank/message_log.html",
        {"page": page, "filters": filters, "query": query_without_page(request)},
    )


@role_required(Role.COORDINATOR)
@require_POST
def message_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk)
    if message_retry(message_id=message.pk):
        messages.success(request, _("The message is being sent again."))
    else:
        messages.error(request, _("Only a failed message can be sent again."))
    return redirect("message_log")
