"""The coordinator's register: organisations and their units, price lists with their dated
versions, funding sources. Listed, created, edited and deactivated here (never deleted); members
are invited from the units page (``bookings.views.staffing``)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings import money
from bookings.forms.organisations import (
    FundingSourceForm,
    OrganisationForm,
    PriceListForm,
    PriceVersionForm,
    UnitForm,
    price_row_forms,
)
from bookings.models import Booking, FundingSource, Organisation, PriceList, Unit
from bookings.selectors import register as selectors
from bookings.services import organisations as services
from bookings.services.common import BookingError
from expertbank.paging import page_of
from expertbank.roles import Role, role_required


def _form_page(request: HttpRequest, form, *, title: str, back: str, back_label: str, **extra):
    return render(
        request,
        "bookings/register/form.html",
        {"form": form, "title": title, "back": back, "back_label": back_label, **extra},
    )


def _set_active(request: HttpRequest, instance, *, done: str) -> None:
    active = request.POST.get("active") == "1"
    try:
        services.register_set_active(instance=instance, active=active, by=request.user)
    except BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            (_("%(name)s is in use again.") if active else _("%(name)s is deactivated."))
            % {"name": done},
        )


# --- Organisations and units ---------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def organisation_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.organisation_list())
    return render(request, "bookings/register/organisation_list.html", {"page": page})


@role_required(Role.COORDINATOR)
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.register_save(instance=form.save(commit=False), by=request.user)
        messages.success(
            request,
            _("%(name)s is added. Add its units next.") % {"name": organisation.name},
        )
        return redirect("bookings_coordinator:organisation", organisation.pk)
    return _form_page(
        request,
        form,
        title=_("New organisation"),
        back="bookings_coordinator:organisations",
        back_label=_("Organisations"),
    )


@role_required(Role.COORDINATOR)
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's details (the form) and its units."""
    organisation = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.register_save(instance=form.save(commit=False), by=request.user)
        messages.success(request, _("The organisation is saved."))
        return redirect("bookings_coordinator:organisation", organisation.pk)
    units = organisation.units.annotate(
        member_count=Count("memberships", distinct=True),
        open_count=Count("bookings", filter=Q(bookings__status__in=Booking.OPEN), distinct=True),
    ).order_by("-active", "name")
    price_lists = organisation.price_lists.order_by("-active", "name")
    return render(
        request,
        "bookings/register/organisation_detail.html",
        {
            "organisation": organisation,
            "form": form,
            "units": units,
            "price_lists": price_lists,
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def organisation_active(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    _set_active(request, organisation, done=organisation.name)
    return redirect("bookings_coordinator:organisation", organisation.pk)


@role_required(Role.COORDINATOR)
def unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    form = UnitForm(request.POST or None, instance=Unit(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        unit = services.register_save(instance=form.save(commit=False), by=request.user)
        messages.success(
            request, _("%(name)s is added. Invite its members next.") % {"name": unit.name}
        )
        return redirect("bookings_coordinator:invite", unit.pk)
    return _form_page(
        request,
        form,
        title=_("New unit of %(organisation)s") % {"organisation": organisation.name},
        back="bookings_coordinator:organisation",
        back_pk=organisation.pk,
        back_label=organisation.name,
    )


@role_required(Role.COORDINATOR)
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("organisation"), pk=pk)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        services.register_save(instance=form.save(commit=False), by=request.user)
        messages.success(request, _("The unit is saved."))
        return redirect("bookings_coordinator:organisation", unit.organisation_id)
    return _form_page(
        request,
        form,
        title=str(unit),
        back="bookings_coordinator:organisation",
        back_pk=unit.organisation_id,
        back_label=unit.organisation.name,
        deactivate=unit,
        deactivate_url="bookings_coordinator:unit_active",
        deactivate_help=_(
            "A deactivated unit cannot request new bookings and leaves the pickers; its "
            "bookings, invoices and members stay."
        ),
    )


@require_POST
@role_required(Role.COORDINATOR)
def unit_active(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("organisation"), pk=pk)
    _set_active(request, unit, done=unit.name)
    return redirect("bookings_coordinator:organisation", unit.organisation_id)


# --- Price lists ---------------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def price_list_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.price_list_list())
    return render(request, "bookings/register/price_list_list.html", {"page": page})


def _version_forms(request: HttpRequest, price_list: PriceList | None):
    data = request.POST if request.method == "POST" else None
    latest = selectors.price_rows_latest(price_list) if price_list else {}
    initial = {"valid_from": services.price_list_next_version_day(price_list)} if price_list else {}
    return PriceVersionForm(data, initial=initial), price_row_forms(data, rows_in_force=latest)


def _add_version(request, price_list, version_form, row_forms) -> bool:
    try:
        services.price_list_version_add(
            price_list=price_list,
            valid_from=version_form.cleaned_data["valid_from"],
            rows={form.work_kind: form.values() for form in row_forms},
            note=version_form.cleaned_data.get("note", ""),
            by=request.user,
        )
    except BookingError as exc:
        version_form.add_error(None, str(exc))
        return False
    return True


@role_required(Role.COORDINATOR)
def price_list_create(request: HttpRequest) -> HttpResponse:
    """A new price list with its first version."""
    form = PriceListForm(request.POST or None)
    version_form, row_forms = _version_forms(request, None)
    if (
        request.method == "POST"
        and form.is_valid()
        and version_form.is_valid()
        and all(row.is_valid() for row in row_forms)
    ):
        try:
            price_list = services.price_list_create(
                price_list=form.save(commit=False),
                valid_from=version_form.cleaned_data["valid_from"],
                rows={row.work_kind: row.values() for row in row_forms},
                note=version_form.cleaned_data["note"],
                by=request.user,
            )
        except BookingError as exc:
            version_form.add_error(None, str(exc))
        else:
            messages.success(request, _("The price list is saved."))
            return redirect("bookings_coordinator:price_list", price_list.pk)
    return render(
        request,
        "bookings/register/price_list_form.html",
        {"form": form, "version_form": version_form, "row_forms": row_forms},
    )


@role_required(Role.COORDINATOR)
def price_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The list's name and organisation (the form) and its dated versions, newest first."""
    price_list = get_object_or_404(PriceList.objects.select_related("organisation"), pk=pk)
    in_use = services.price_list_in_use(price_list)
    form = PriceListForm(request.POST or None, instance=price_list, organisation_fixed=in_use)
    if request.method == "POST" and form.is_valid():
        try:
            services.price_list_save(
                price_list=form.save(commit=False), by=request.user, changed=form.changed_data
            )
        except BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The price list is saved."))
            return redirect("bookings_coordinator:price_list", price_list.pk)
    return render(
        request,
        "bookings/register/price_list_detail.html",
        {
            "price_list": price_list,
            "form": form,
            "versions": selectors.price_list_versions(price_list),
            "history": price_list.history.select_related("by").order_by("-at", "-pk")[:20],
        },
    )


@role_required(Role.COORDINATOR)
def price_version_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A new dated version: the rows in force end the day before; bookings keep their terms."""
    price_list = get_object_or_404(PriceList.objects.select_related("organisation"), pk=pk)
    version_form, row_forms = _version_forms(request, price_list)
    if (
        request.method == "POST"
        and version_form.is_valid()
        and all(row.is_valid() for row in row_forms)
        and _add_version(request, price_list, version_form, row_forms)
    ):
        messages.success(
            request,
            _("The new version is saved. Bookings already made keep the terms they took."),
        )
        return redirect("bookings_coordinator:price_list", price_list.pk)
    return render(
        request,
        "bookings/register/price_version_form.html",
        {"price_list": price_list, "version_form": version_form, "row_forms": row_forms},
    )


@require_POST
@role_required(Role.COORDINATOR)
def price_list_active(request: HttpRequest, pk: int) -> HttpResponse:
    price_list = get_object_or_404(PriceList, pk=pk)
    _set_active(request, price_list, done=price_list.name)
    return redirect("bookings_coordinator:price_list", price_list.pk)


# --- Funding sources -----------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def funding_list(request: HttpRequest) -> HttpResponse:
    sources = money.funding_sources_with_use().order_by("-active", "name", "pk")
    page = page_of(request, sources)
    return render(request, "bookings/register/funding_list.html", {"page": page})


@role_required(Role.COORDINATOR)
def funding_create(request: HttpRequest) -> HttpResponse:
    form = FundingSourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.funding_source_save(funding_source=form.save(commit=False), by=request.user)
        messages.success(request, _("The funding source is saved."))
        return redirect("bookings_coordinator:funding_sources")
    return _form_page(
        request,
        form,
        title=_("New funding source"),
        back="bookings_coordinator:funding_sources",
        back_label=_("Funding sources"),
    )


@role_required(Role.COORDINATOR)
def funding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(FundingSource, pk=pk)
    form = FundingSourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        services.funding_source_save(funding_source=form.save(commit=False), by=request.user)
        messages.success(request, _("The funding source is saved."))
        return redirect("bookings_coordinator:funding_sources")
    return _form_page(
        request,
        form,
        title=str(source),
        back="bookings_coordinator:funding_sources",
        back_label=_("Funding sources"),
        deactivate=source,
        deactivate_url="bookings_coordinator:funding_active",
        deactivate_help=_(
            "A deactivated funding source can no longer be chosen for a booking; the bookings "
            "already charged to it stay so."
        ),
    )


@require_POST
@role_required(Role.COORDINATOR)
def funding_active(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(FundingSource, pk=pk)
    _set_active(request, source, done=source.name)
    return redirect("bookings_coordinator:funding_edit", source.pk)
