"""The expert portal (phone first). Every page is about the logged-in expert only: no page
takes another expert's id, and a time or a day off of someone else answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from expertbank.models import User
from expertbank.paging import page_of
from expertbank.plain import plain_on, plain_template
from expertbank.roles import Role, role_required, user_roles
from expertbank.services.audit import reads_about
from experts.forms import (
    BlackoutForm,
    DisclosureForm,
    LimitsForm,
    ProfileForm,
    SlotForm,
    SupportProfileForm,
)
from experts.models import AvailabilitySlot, Blackout, Expert, PrivacyNotice
from experts.portal import portal_next_action, portal_panels
from experts.selectors import expert_for_portal, support_profile_of
from experts.services import (
    ExpertError,
    availability_limits_set,
    blackout_add,
    blackout_remove,
    consent_give,
    consent_withdraw,
    current_consent,
    disclosure_set,
    expert_profile_update,
    slot_add,
    slot_remove,
    support_profile_set,
)


def _expert(request: HttpRequest) -> Expert:
    return expert_for_portal(user=request.user)


@role_required(Role.EXPERT)
def portal_home(request: HttpRequest) -> HttpResponse:
    """The expert's start page: what needs doing first, then the cards to the other pages."""
    expert = _expert(request)
    consent = current_consent(expert)
    todo = []
    if consent is None:
        todo.append((_("Give your consent, so that you can get gigs."), "experts:privacy"))
    if not expert.slots.exists():
        todo.append((_("Tell us when you can work."), "experts:availability"))
    if not expert.areas.exists():
        todo.append((_("Choose your experience areas."), "experts:profile"))
    panels = portal_panels(request, expert)
    context = {
        "expert": expert,
        "roles": user_roles(request.user),
        "consent": consent,
        "todo": todo,
        "panels": panels,
    }
    if plain_on(request.user):
        # Plain language (issue 17): one big button for the one thing to do now, and each
        # panel in its plain version where it has one.
        context["action"] = portal_next_action(todo, panels)
        for panel in panels:
            panel.template_name = plain_template(request.user, panel.template_name)
    return render(request, plain_template(request.user, "experts/portal/home.html"), context)


@role_required(Role.EXPERT)
def profile(request: HttpRequest) -> HttpResponse:
    expert = _expert(request)
    form = ProfileForm(request.POST or None, instance=expert)
    if request.method == "POST" and form.is_valid():
        try:
            expert_profile_update(expert=expert, by=request.user, **form.cleaned_data)
        except ExpertError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your profile is saved."))
            user = User.objects.get(pk=request.user.pk)
            if user.phone and user.phone_verified_at is None:
                # A new (or never verified) number: answers by text count only once verified.
                messages.info(
                    request,
                    _(
                        "To answer offers by text message, verify your phone number on the "
                        "Messages to you page."
                    ),
                )
            return redirect("experts:portal_home")
    return render(
        request,
        "experts/portal/profile.html",
        {"expert": expert, "form": form, "reads": page_of(request, reads_about(request.user))},
    )


@role_required(Role.EXPERT)
def support(request: HttpRequest) -> HttpResponse:
    """The expert's access and support needs, and what of them the booking unit sees."""
    expert = _expert(request)
    form = SupportProfileForm(request.POST or None, instance=support_profile_of(expert))
    if request.method == "POST" and form.is_valid():
        try:
            support_profile_set(expert=expert, by=request.user, **form.cleaned_data)
        except ExpertError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your access and support needs are saved."))
            return redirect("experts:support")
    return render(request, "experts/portal/support.html", {"expert": expert, "form": form})


def _availability_page(request, expert, **forms) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "expert": expert,
        "slots": expert.slots.all(),
        "blackouts": expert.blackouts.filter(end__gte=today),
        "slot_form": forms.get("slot_form") or SlotForm(),
        "blackout_form": forms.get("blackout_form") or BlackoutForm(),
        "limits_form": forms.get("limits_form") or LimitsForm(instance=expert),
    }
    return render(request, "experts/portal/availability.html", context)


@role_required(Role.EXPERT)
def availability(request: HttpRequest) -> HttpResponse:
    return _availability_page(request, _expert(request))


@role_required(Role.EXPERT)
@require_POST
def slot_create(request: HttpRequest) -> HttpResponse:
    expert = _expert(request)
    form = SlotForm(request.POST)
    if form.is_valid():
        try:
            slot_add(expert=expert, by=request.user, **form.cleaned_data)
        except ExpertError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The time is added."))
            return redirect("experts:availability")
    return _availability_page(request, expert, slot_form=form)


@role_required(Role.EXPERT)
@require_POST
def slot_delete(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(AvailabilitySlot, pk=pk, expert__user=request.user)
    slot_remove(slot=slot, by=request.user)
    messages.success(request, _("The time is removed."))
    return redirect("experts:availability")


@role_required(Role.EXPERT)
@require_POST
def blackout_create(request: HttpRequest) -> HttpResponse:
    expert = _expert(request)
    form = BlackoutForm(request.POST)
    if form.is_valid():
        try:
            blackout_add(expert=expert, by=request.user, **form.cleaned_data)
        except ExpertError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The days are marked. You will get no offers for them."))
            return redirect("experts:availability")
    return _availability_page(request, expert, blackout_form=form)


@role_required(Role.EXPERT)
@require_POST
def blackout_delete(request: HttpRequest, pk: int) -> HttpResponse:
    blackout = get_object_or_404(Blackout, pk=pk, expert__user=request.user)
    blackout_remove(blackout=blackout, by=request.user)
    messages.success(request, _("The days are removed."))
    return redirect("experts:availability")


@role_required(Role.EXPERT)
@require_POST
def limits(request: HttpRequest) -> HttpResponse:
    expert = _expert(request)
    form = LimitsForm(request.POST, instance=expert)
    if form.is_valid():
        try:
            availability_limits_set(expert=expert, by=request.user, **form.cleaned_data)
        except ExpertError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your limits are saved."))
            return redirect("experts:availability")
    return _availability_page(request, expert, limits_form=form)


def _privacy_page(request, expert, form=None) -> HttpResponse:
    shown = set(expert.disclosures.values_list("area_id", "booker_kind"))
    return render(
        request,
        "experts/portal/privacy.html",
        {
            "expert": expert,
            "form": form or DisclosureForm(expert=expert, shown=shown),
            "notice": PrivacyNotice.current(),
            "consent": current_consent(expert),
            "consents": expert.consents.select_related("notice"),
        },
    )


@role_required(Role.EXPERT)
def privacy(request: HttpRequest) -> HttpResponse:
    """Disclosure (alias or name; which areas each kind of booker may see) and consent."""
    expert = _expert(request)
    if request.method != "POST":
        return _privacy_page(request, expert)
    shown = set(expert.disclosures.values_list("area_id", "booker_kind"))
    form = DisclosureForm(request.POST, expert=expert, shown=shown)
    if form.is_valid():
        try:
            disclosure_set(
                expert=expert,
                by=request.user,
                pairs=form.pairs(),
                shown_as=form.cleaned_data["shown_as"],
            )
        except ExpertError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your choices are saved."))
            return redirect("experts:privacy")
    return _privacy_page(request, expert, form=form)


@role_required(Role.EXPERT)
@require_POST
def consent(request: HttpRequest) -> HttpResponse:
    expert = _expert(request)
    try:
        consent_give(expert=expert, by=request.user)
    except ExpertError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you. Your consent is saved. You can now get gigs."))
    return redirect("experts:privacy")


@role_required(Role.EXPERT)
def consent_withdraw_confirm(request: HttpRequest) -> HttpResponse:
    """GET explains what withdrawing means; only POST withdraws."""
    expert = _expert(request)
    if request.method == "POST":
        consent_withdraw(expert=expert, by=request.user)
        messages.success(
            request,
            _("Your consent is withdrawn. You will get no new gigs. You can give it again."),
        )
        return redirect("experts:privacy")
    return render(
        request,
        "experts/portal/consent_withdraw.html",
        {"expert": expert, "consent": current_consent(expert)},
    )


@role_required(Role.EXPERT)
def documents(request: HttpRequest) -> HttpResponse:
    """Status, certification, documents and whether a tax card is on file: read only."""
    expert = _expert(request)
    today = timezone.localdate()
    tax_card = (
        expert.tax_cards.filter(valid_from__lte=today, valid_until__gte=today)
        .order_by("-valid_from")
        .first()
    )
    return render(
        request,
        "experts/portal/documents.html",
        {
            "expert": expert,
            "documents": expert.documents.all(),
            "tax_card": tax_card,
            "consent": current_consent(expert),
        },
    )
