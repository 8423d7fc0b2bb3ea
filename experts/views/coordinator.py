"""Coordinator pages for the pool: list, profile, create, edit, documents, consent, export."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.formats.base_formats import CSV, XLSX

from expertbank.models import ReadEntry
from expertbank.roles import Role, role_required
from expertbank.services.audit import read_logged, reads_about
from experts import selectors
from experts.filters import ExpertFilter
from experts.forms import DocumentForm, ExpertForm, TaxCardForm
from experts.models import Expert, PrivacyNotice
from experts.pairs import with_pair_progress
from experts.resources import ExpertExportResource
from experts.resources.exports import (
    CSV_FORMULA_STARTS,
    XLSX_FORMULA_STARTS,
    formulae_escaped,
)
from experts.selectors import (
    disclosure_grid,
    expert_for_coordinator,
    expert_history,
    support_profile_of,
)
from experts.services import (
    ExpertError,
    consent_give,
    consent_withdraw,
    current_consent,
    document_record,
    expert_create,
    expert_invite,
    expert_is_bookable,
    expert_update,
    tax_card_record,
)

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
READS_PAGE_SIZE = 20
SORT_KEYS = ["name", "municipality", "status", "certified", "created"]


def _get_expert(pk: int) -> Expert:
    try:
        return expert_for_coordinator(pk=pk)
    except Expert.DoesNotExist as exc:
        raise Http404 from exc


def _filtered(filterset: ExpertFilter):
    """The filtered experts in a stable order (the pk breaks ties, so pages never overlap)."""
    if not filterset.is_valid():
        return filterset.queryset.none()
    experts = filterset.qs
    return experts.order_by(*(experts.query.order_by or ["user__full_name"]), "pk")


@role_required(Role.COORDINATOR)
def expert_list(request: HttpRequest) -> HttpResponse:
    """Searchable, filterable, sortable, paginated; a fixed number of queries per page."""
    filterset = ExpertFilter(request.GET, queryset=selectors.expert_list())
    experts = with_pair_progress(_filtered(filterset))  # the "in pairs" badge (issue 17)
    page = Paginator(experts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "experts/coordinator/list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "sort": _sort_links(query),
            "ordering": request.GET.get("ordering", ""),
            "today": timezone.localdate(),
        },
    )


def _sort_links(query) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it (again: the other way round)."""
    current = query.get("ordering", "")
    links = {}
    for key in SORT_KEYS:
        params = query.copy()
        params["ordering"] = f"-{key}" if current == key else key
        state = "ascending" if current == key else "descending" if current == f"-{key}" else ""
        links[key] = {"url": f"?{params.urlencode()}", "state": state}
    return links


@role_required(Role.COORDINATOR)
def expert_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV or XLSX; identity codes and bank accounts masked."""
    filterset = ExpertFilter(request.GET, queryset=selectors.expert_list())
    experts = _filtered(filterset).prefetch_related("work_kinds")
    dataset = ExpertExportResource().export(experts)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    if request.GET.get("format") == "xlsx":
        file_format, extension = XLSX(), "xlsx"
        content = file_format.export_data(formulae_escaped(dataset, XLSX_FORMULA_STARTS))
    else:
        file_format, extension = CSV(), "csv"
        content = "\ufeff" + file_format.export_data(formulae_escaped(dataset, CSV_FORMULA_STARTS))
    logger.info("%s exported %s experts", request.user.email, len(dataset))
    response = HttpResponse(content, content_type=file_format.get_content_type())
    response["Content-Disposition"] = f'attachment; filename="experts-{stamp}.{extension}"'
    return response


@role_required(Role.COORDINATOR)
def expert_new(request: HttpRequest) -> HttpResponse:
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            expert = expert_create(
                email=form.cleaned_data["email"],
                by=request.user,
                invite=form.cleaned_data["send_invitation"],
                **values,
            )
        except ExpertError as exc:
            form.add_error(None, str(exc))
        else:
            if form.cleaned_data["send_invitation"]:
                messages.success(
                    request,
                    _("%(name)s is in the pool, and an invitation is on its way.")
                    % {"name": expert.name},
                )
            else:
                messages.success(request, _("%(name)s is in the pool.") % {"name": expert.name})
            return redirect("experts_coordinator:detail", pk=expert.pk)
    return render(request, "experts/coordinator/form.html", {"form": form, "expert": None})


@role_required(Role.COORDINATOR)
def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    expert = _get_expert(pk)
    today = timezone.localdate()
    tax_cards = list(expert.tax_cards.all())
    tax_card_now = next((c for c in tax_cards if c.valid_from <= today <= c.valid_until), None)
    read_logged(request, kind=ReadEntry.Kind.PROFILE, obj=expert, subject_ids=[expert.user_id])
    if tax_card_now is not None:
        read_logged(
            request, kind=ReadEntry.Kind.TAX_CARD, obj=tax_card_now, subject_ids=[expert.user_id]
        )
    return render(
        request,
        "experts/coordinator/detail.html",
        {
            "expert": expert,
            "today": today,
            "notice": PrivacyNotice.current(),
            "consent": current_consent(expert),
            "documents": list(expert.documents.all()),
            "tax_cards": tax_cards,
            "tax_card_now": tax_card_now,
            "grid": disclosure_grid(expert),
            "blackouts": [b for b in expert.blackouts.all() if b.end >= today],
            "support": support_profile_of(expert),
            "history": expert_history(expert),
            "can_invite": not expert.user.has_usable_password(),
            "bookable": expert_is_bookable(expert),
            "reads": Paginator(reads_about(expert.user), READS_PAGE_SIZE).get_page(
                request.GET.get("reads")
            ),
        },
    )


@role_required(Role.COORDINATOR)
def expert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=pk)
    # The form shows the identity code, the IBAN and the lived-experience notes in clear.
    read_logged(request, kind=ReadEntry.Kind.PROFILE, obj=expert, subject_ids=[expert.user_id])
    form = ExpertForm(request.POST or None, instance=expert)
    if request.method == "POST" and form.is_valid():
        try:
            expert_update(expert=expert, by=request.user, **form.service_values())
        except ExpertError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("experts_coordinator:detail", pk=expert.pk)
    return render(request, "experts/coordinator/form.html", {"form": form, "expert": expert})


@role_required(Role.COORDINATOR)
def document_new(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=pk)
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_record(expert=expert, by=request.user, **form.cleaned_data)
        except ExpertError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The document is recorded."))
            return redirect("experts_coordinator:detail", pk=expert.pk)
    return render(
        request,
        "experts/coordinator/small_form.html",
        {"form": form, "expert": expert, "title": _("Record a document")},
    )


@role_required(Role.COORDINATOR)
def tax_card_new(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=pk)
    form = TaxCardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tax_card_record(expert=expert, by=request.user, **form.cleaned_data)
        except ExpertError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The tax card is recorded."))
            return redirect("experts_coordinator:detail", pk=expert.pk)
    return render(
        request,
        "experts/coordinator/small_form.html",
        {"form": form, "expert": expert, "title": _("Record a tax card")},
    )


@role_required(Role.COORDINATOR)
@require_POST
def consent_on_paper(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(Expert, pk=pk)
    try:
        consent_give(expert=expert, by=request.user, on_paper=True)
    except ExpertError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Consent given on paper is recorded."))
    return redirect("experts_coordinator:detail", pk=expert.pk)


@role_required(Role.COORDINATOR)
@require_POST
def consent_withdrawn(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(Expert, pk=pk)
    if consent_withdraw(expert=expert, by=request.user):
        messages.success(request, _("The consent is withdrawn. The expert cannot be booked."))
    else:
        messages.info(request, _("The expert had no consent to withdraw."))
    return redirect("experts_coordinator:detail", pk=expert.pk)


@role_required(Role.COORDINATOR)
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=pk)
    try:
        expert_invite(expert=expert, by=request.user)
    except ExpertError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("A new invitation is on its way."))
    return redirect("experts_coordinator:detail", pk=expert.pk)
