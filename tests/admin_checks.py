"""Walk a Django admin change form as a hostile staff user would, one field at a time.

The admin is a view like any other: what a service owns must be changed through the service or
shown read-only. These helpers prove it from the outside. ``walk_change_form`` opens an object's
change form, builds the POST data the page itself would send (the main form's and every inline
form's values, with the inline management forms), then for each field in turn posts a hostile
value instead — other choices, empty values, far dates, negative numbers, another object's id,
a tick in an inline row's "delete" box — and hands every response to the caller's ``check``,
which asserts the invariants that must survive. Nothing here knows any app's models.

    def test_the_admin_has_no_back_doors(client, coordinator):
        client.force_login(coordinator)
        walk_change_form(
            client,
            model_admin(admin.site, Thing),
            thing,
            check=lambda probe, response: assert_invariants(thing, probe),
        )

Disabled fields are posted too, with one hostile value each (a browser would leave them out; an
attacker need not), and so are read-only pages: where the form has no fields, each model field
is posted on its own with a made-up value, which the admin must refuse or ignore. Every response
must be below 500. The page is fetched through the test client once; later reads of the form
(after a POST that saved) call the admin's change view directly and skip rendering the page,
which is most of a walk's time.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.admin import AdminSite, ModelAdmin
from django.db import models
from django.forms.models import InlineForeignKeyField
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

MAIN = ""  # the form prefix of the main form; inline forms have their formset's prefix
NEW_ROW = "<new row>"  # the "field" of a probe that posts a whole new inline row as given
READ_ONLY_VALUE = "hostile"

Values = Callable[[forms.BoundField], Iterable[Any]]


@dataclass(frozen=True)
class Slot:
    """One field of a change form: in the main form or in row ``row`` of an inline formset."""

    form: str
    row: int | None
    field: str

    def __str__(self) -> str:
        return self.field if self.form == MAIN else f"{self.form}-{self.row}-{self.field}"


@dataclass(frozen=True)
class Probe:
    """What one POST changed: the slot and the value posted instead of the page's own."""

    slot: Slot
    value: Any

    def __str__(self) -> str:
        return f"{self.slot} = {self.value!r}"


@dataclass
class ChangeForm:
    """A change form as the page renders it: the POST data it would send, and its fields."""

    url: str
    data: dict[str, Any]
    fields: dict[Slot, forms.BoundField]
    formsets: dict[str, forms.BaseFormSet]

    @property
    def main_form_editable(self) -> bool:
        return any(slot.form == MAIN for slot in self.fields)


def model_admin(site: AdminSite, model: type[models.Model]) -> ModelAdmin:
    return site.get_model_admin(model)


def registered_models(site: AdminSite, app_label: str) -> set[type[models.Model]]:
    """Every model of an app with an admin page: a test can check it walked them all."""
    return {model for model in site._registry if model._meta.app_label == app_label}


def change_url(admin: ModelAdmin, obj: models.Model) -> str:
    meta = admin.model._meta
    return reverse(
        f"{admin.admin_site.name}:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]
    )


def add_url(admin: ModelAdmin) -> str:
    meta = admin.model._meta
    return reverse(f"{admin.admin_site.name}:{meta.app_label}_{meta.model_name}_add")


def delete_via_admin(client: Client, admin: ModelAdmin, obj: models.Model) -> HttpResponse:
    """Confirm the admin's delete page for ``obj``, as the "Yes, I'm sure" button does."""
    meta = admin.model._meta
    url = reverse(
        f"{admin.admin_site.name}:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk]
    )
    response = client.post(url, {"post": "yes"})
    assert response.status_code < 500, (url, response.status_code)
    return response


def changelist_action(
    client: Client,
    admin: ModelAdmin,
    objects: Iterable[models.Model],
    action: str = "delete_selected",
) -> HttpResponse:
    """Run a changelist action on ``objects`` as its confirmed form would (for
    ``delete_selected``, "Yes, I'm sure"), whether or not the page offers it."""
    meta = admin.model._meta
    url = reverse(f"{admin.admin_site.name}:{meta.app_label}_{meta.model_name}_changelist")
    data = {
        "action": action,
        "_selected_action": [str(obj.pk) for obj in objects],
        "post": "yes",
        "index": "0",
    }
    response = client.post(url, data)
    assert response.status_code < 500, (url, action, response.status_code)
    return response


# --- Reading a change form -------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def encode(bound_field: forms.BoundField, value: Any) -> dict[str, Any]:
    """``value`` as the field's widget would post it: {name: str or [str]}, nothing for an
    unticked checkbox, one key per part of a split widget."""
    widget, name = bound_field.field.widget, bound_field.html_name
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        return {
            name + suffix: _scalar(part)
            for suffix, part in zip(widget.widgets_names, parts, strict=False)
        }
    if isinstance(widget, forms.CheckboxInput):
        return {name: "on"} if value else {}
    if isinstance(widget, forms.SelectMultiple) or isinstance(value, list | tuple):
        return {name: [_scalar(item) for item in value or []]}
    return {name: _scalar(value)}


def _form_fields(form: forms.BaseForm, *, prefix: str, row: int | None, data, fields) -> None:
    for bound_field in form:
        fields[Slot(prefix, row, bound_field.name)] = bound_field
        data.update(encode(bound_field, bound_field.value()))


def read_change_form(client: Client, url: str) -> ChangeForm:
    """GET a change form and gather what submitting it unchanged would post."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return _change_form(url, response.context)


def _read_unrendered(admin: ModelAdmin, obj: models.Model, user, url: str) -> ChangeForm:
    """What ``read_change_form`` reads, from the admin's change view without rendering it."""
    request = RequestFactory().get(url)
    request.user = user
    response = admin.change_view(request, str(obj.pk))
    assert response.status_code == 200, (url, response.status_code)
    return _change_form(url, response.context_data)


def _change_form(url: str, context) -> ChangeForm:
    data: dict[str, Any] = {}
    fields: dict[Slot, forms.BoundField] = {}
    _form_fields(context["adminform"].form, prefix=MAIN, row=None, data=data, fields=fields)
    formsets = {}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        formsets[formset.prefix] = formset
        for bound_field in formset.management_form:
            data[bound_field.html_name] = _scalar(bound_field.value())
        for row, form in enumerate(formset.forms):
            _form_fields(form, prefix=formset.prefix, row=row, data=data, fields=fields)
    return ChangeForm(url=url, data=data, fields=fields, formsets=formsets)


# --- Hostile values --------------------------------------------------------------------------

FAR_PAST, FAR_FUTURE = date(1900, 1, 1), date(2999, 12, 31)


def _choices(field: forms.ChoiceField) -> list[Any]:
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # an option group
            values += [inner for inner, _label in label]
        else:
            values.append(value)
    return [value for value in values if value not in ("", None)]


def hostile_values(bound_field: forms.BoundField) -> list[Any]:
    """What a hostile user tries in a field, by the field's type (values before encoding)."""
    field, initial = bound_field.field, bound_field.value()
    if isinstance(field, InlineForeignKeyField):
        return [987654321]  # another parent's id
    if isinstance(field, forms.BooleanField):
        return [not initial]
    if isinstance(field, forms.ModelMultipleChoiceField):
        return [[], list(field.queryset.order_by("pk").values_list("pk", flat=True)[:3])]
    if isinstance(field, forms.ModelChoiceField):
        # The newest other row: for an inline row's id, most likely another parent's row.
        others = field.queryset.order_by("-pk")
        if initial not in (None, ""):
            others = others.exclude(pk=initial)
        return [*others.values_list("pk", flat=True)[:1], "", 987654321]
    if isinstance(field, forms.ChoiceField):
        others = [choice for choice in _choices(field) if str(choice) != str(initial)]
        return [*others[:2], "", "not-a-choice"]
    if isinstance(field, forms.SplitDateTimeField | forms.DateTimeField):
        return [datetime.combine(FAR_PAST, time(9)), datetime.combine(FAR_FUTURE, time(9)), ""]
    if isinstance(field, forms.DateField):
        return [FAR_PAST, FAR_FUTURE, ""]
    if isinstance(field, forms.TimeField):
        return [time(0), time(23, 59), ""]
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return [Decimal("-1"), Decimal("1000"), ""]
    if isinstance(field, forms.IntegerField):
        return [-1, 0, 1_000_000]
    if isinstance(field, forms.FileField):
        return []
    return ["", "<script>alert(1)</script>"]


# --- The walk --------------------------------------------------------------------------------


def _post(client: Client, form: ChangeForm, data: Mapping[str, Any], probe: Probe):
    try:
        response = client.post(form.url, data)
    except Exception as exc:  # the test client re-raises a view's exception: name the probe
        raise AssertionError(f"{form.url} with {probe}: {exc!r}") from exc
    assert response.status_code < 500, (form.url, str(probe), response.status_code)
    return response


def _with_value(form: ChangeForm, slot: Slot, value: Any) -> dict[str, Any] | None:
    """The form's data with ``slot`` set to ``value``; None if the slot is gone (a deleted
    row)."""
    bound_field = form.fields.get(slot)
    if bound_field is None:
        return None
    data = dict(form.data)
    for key in encode(bound_field, bound_field.value()):
        data.pop(key, None)
    data.update(encode(bound_field, value))
    return data


def _new_row(form: ChangeForm, prefix: str, values: Mapping[str, Any]) -> tuple[dict, dict]:
    """The form's data with one more row in formset ``prefix`` holding ``values``; also the
    bound fields of that row (from the formset's empty form) by field name."""
    formset = form.formsets[prefix]
    index = formset.total_form_count()
    empty = formset.empty_form
    data = dict(form.data)
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    row_fields = {}
    for bound_field in empty:
        name = bound_field.html_name.replace("__prefix__", str(index))
        value = values.get(bound_field.name, bound_field.value())
        for key, encoded in encode(bound_field, value).items():
            data[key.replace("__prefix__", str(index))] = encoded
        row_fields[bound_field.name] = (bound_field, name)
    return data, row_fields


def walk_change_form(
    client: Client,
    admin: ModelAdmin,
    obj: models.Model,
    *,
    check: Callable[[Probe, HttpResponse], None],
    values: Values = hostile_values,
    new_rows: Mapping[str, Mapping[str, Any]] | None = None,
    only: Container[str] | None = None,
    skip: Container[str] = (),
) -> list[Probe]:
    """POST ``obj``'s change form once per hostile value of each field, every other field as the
    page shows it, and call ``check(probe, response)`` after each POST.

    ``values(bound_field)`` gives the hostile values of a field (default: ``hostile_values``).
    ``new_rows`` maps an inline prefix to a valid new row ({field: value}); it is posted as
    given, then with each of its fields hostile in turn. ``only`` limits the walk to some forms
    (``MAIN`` for the main form, inline prefixes for the rest); ``skip`` names fields (``"name"``
    or ``"prefix-row-name"``) left alone. After a POST that saved (a redirect) the page is read
    again, so each probe starts from what the previous ones left; inline rows are deleted last,
    the last row first. Returns the probes made.
    """
    url = change_url(admin, obj)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    first = _change_form(url, response.context)
    user = response.wsgi_request.user
    page: list[ChangeForm] = [first]  # the page as it is now; emptied when a POST saved
    probes: list[Probe] = []

    def current() -> ChangeForm:
        if not page:
            page.append(_read_unrendered(admin, obj, user, url))
        return page[0]

    def run(probe: Probe, data: dict[str, Any] | None) -> None:
        if data is None:
            return
        response = _post(client, first, data, probe)
        if response.status_code in (301, 302, 303):
            page.clear()
        probes.append(probe)
        check(probe, response)

    def wanted(form: str) -> bool:
        return only is None or form in only

    if not first.main_form_editable and wanted(MAIN):
        # A read-only page: post each model field with a made-up value; it must change nothing.
        for field in admin.model._meta.concrete_fields:
            if field.name in skip or field.primary_key:
                continue
            probe = Probe(Slot(MAIN, None, field.name), READ_ONLY_VALUE)
            run(probe, {**first.data, field.name: READ_ONLY_VALUE})
    slots = [
        slot
        for slot in first.fields
        if wanted(slot.form) and str(slot) not in skip and slot.field not in skip
    ]
    deletes = [slot for slot in slots if slot.field == "DELETE"]
    for slot in [slot for slot in slots if slot.field != "DELETE"]:
        hostile = list(values(first.fields[slot]))
        if first.fields[slot].field.disabled:
            hostile = hostile[:1]  # a disabled field ignores whatever is posted: one try shows it
        for value in hostile:
            run(Probe(slot, value), _with_value(current(), slot, value))
    for prefix, row_values in (new_rows or {}).items():
        if not wanted(prefix):
            continue
        data, row_fields = _new_row(current(), prefix, row_values)
        run(Probe(Slot(prefix, None, NEW_ROW), dict(row_values)), data)
        for name, (bound_field, _html_name) in row_fields.items():
            if name in skip or name in ("DELETE", "id") or bound_field.is_hidden:
                continue
            for value in values(bound_field):
                data, _fields = _new_row(current(), prefix, {**row_values, name: value})
                run(Probe(Slot(prefix, None, name), value), data)
    for slot in sorted(deletes, key=lambda s: (s.form, -(s.row or 0))):
        run(Probe(slot, True), _with_value(current(), slot, True))
    return probes
