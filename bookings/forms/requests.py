"""Forms of a unit's request: the request with its times, cancelling, and reasons."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.models import Booking, Unit
from bookings.models.bookings import MAX_EXPERTS
from bookings.services.requests import MAX_OCCURRENCES
from expertbank.fields import (
    HorizonDateField,
    IdChoiceField,
    IdMultipleChoiceField,
    PlainTextField,
    validate_date_horizon,
)
from expertbank.models import User
from expertbank.phones import PhoneField
from experts.models import AvailabilitySlot, ExperienceArea, Language, WorkKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def aware(day: date, moment: time) -> datetime:
    """A date and a wall-clock time in the bank's time zone."""
    return timezone.make_aware(datetime.combine(day, moment))


def parse_dates(text: str) -> list[date]:
    """Dates written one per line or separated by commas, e.g. 24.11.2026."""
    found = []
    input_formats = formats.get_format("DATE_INPUT_FORMATS")
    for token in re.split(r"[\s,;]+", text.strip()):
        if not token:
            continue
        for fmt in input_formats:
            try:
                day = datetime.strptime(token, fmt).date()
            except ValueError:
                continue
            validate_date_horizon(day)
            found.append(day)
            break
        else:
            raise forms.ValidationError(
                _("%(value)s is not a date. Write dates like 24.11.2026, one per line."),
                params={"value": token},
                code="invalid_date",
            )
    return sorted(set(found))


# The request form's fields a booking keeps as given (``BookingRequestForm.booking_values``).
REQUEST_FIELDS = (
    "title",
    "work_kind",
    "kind",
    "language",
    "place",
    "remote_link",
    "audience",
    "audience_size",
    "experts_wanted",
    "own_reference",
    "cost_centre",
    "contact_name",
    "contact_phone",
    "notes",
    *Booking.BRIEF_FIELDS,
)


class WorkingBlockForm(forms.Form):
    """One weekly working block of a fixed-term engagement."""

    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=[("", "–"), *AvailabilitySlot.Weekday.choices],
        coerce=int,
        required=False,
    )
    start = forms.TimeField(
        label=pgettext_lazy("time of day", "from"), widget=TIME_WIDGET, required=False
    )
    end = forms.TimeField(
        label=pgettext_lazy("time of day", "until"), widget=TIME_WIDGET, required=False
    )

    def clean(self):
        data = super().clean()
        weekday, start, end = data.get("weekday"), data.get("start"), data.get("end")
        if weekday in (None, "") and not start and not end:
            return data  # an empty row
        if weekday in (None, "") or not start or not end:
            raise forms.ValidationError(_("Give the weekday and both times of the working block."))
        if end <= start:
            raise forms.ValidationError(_("A working block must end after it starts."))
        return data


WorkingBlockFormSet = forms.formset_factory(WorkingBlockForm, extra=3, max_num=7, absolute_max=7)


class BookingRequestForm(forms.Form):
    """A unit's request for experts; the times follow from the kind of booking."""

    unit = IdChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: Talk at the staff day on substance use services."),
    )
    work_kind = IdChoiceField(
        label=_("Kind of work"), queryset=WorkKind.objects.filter(active=True)
    )
    areas = IdMultipleChoiceField(
        label=_("Experience areas wanted"),
        queryset=ExperienceArea.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty if any experience will do."),
    )
    language = IdChoiceField(label=_("Language"), queryset=Language.objects.filter(active=True))
    kind = forms.ChoiceField(
        label=_("Kind of booking"),
        choices=Booking.Kind.choices,
        widget=forms.RadioSelect,
        initial=Booking.Kind.ONE_OFF,
    )
    day = HorizonDateField(
        label=_("Date"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("One-off: the date. Series: the first date."),
    )
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET, required=False)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_WIDGET, required=False)
    weeks = forms.IntegerField(
        label=_("Every week, how many times"),
        min_value=1,
        max_value=52,
        required=False,
        help_text=_("Series: the same weekday and time every week from the first date."),
    )
    dates = forms.CharField(
        label=_("Or list the dates"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Series: dates one per line, e.g. 24.11.2026. Used instead of the weeks."),
    )
    period_start = HorizonDateField(
        label=_("Engagement starts"), widget=DATE_WIDGET, required=False
    )
    period_end = HorizonDateField(label=_("Engagement ends"), widget=DATE_WIDGET, required=False)
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("Street address and room. Leave empty for a remote meeting."),
    )
    remote_link = forms.URLField(
        label=_("Remote meeting link"), max_length=500, required=False, assume_scheme="https"
    )
    audience = forms.ChoiceField(
        label=_("Audience"),
        choices=Booking.Audience.choices,
        widget=forms.RadioSelect,
        initial=Booking.Audience.ADULTS,
    )
    audience_size = forms.IntegerField(
        label=_("Audience size (about)"), min_value=1, max_value=5000, required=False
    )
    experts_wanted = forms.IntegerField(
        label=_("Number of experts"), min_value=1, max_value=MAX_EXPERTS, initial=1
    )
    own_reference = forms.CharField(
        label=_("Your reference"),
        max_length=100,
        required=False,
        help_text=_("Printed on the invoice, e.g. an order number."),
    )
    cost_centre = forms.CharField(label=_("Cost centre"), max_length=40, required=False)
    contact_name = forms.CharField(
        label=_("Contact person on the day"), max_length=200, required=False
    )
    contact_phone = PhoneField(label=_("Contact phone"), required=False)
    # The brief the experts read before they accept.
    purpose = PlainTextField(
        label=_("Why you are inviting experts"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "What is the occasion, and what should the audience take home? "
            "For example: the staff learn how clients experience our services."
        ),
    )
    share_topics = PlainTextField(
        label=_("What the experts are asked to share"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "For example: their own path to the services and what helped. "
            "The experts always decide themselves how much of their own life they tell."
        ),
    )
    co_presenter = PlainTextField(
        label=_("A professional presenting with the experts"),
        max_length=200,
        required=False,
        help_text=_(
            "Name and role, for example Anna Virtanen, social worker. "
            "Leave empty if the experts present on their own."
        ),
    )
    preparation_minutes = forms.IntegerField(
        label=_("Preparation asked of the experts (minutes)"),
        min_value=0,
        max_value=6000,
        required=False,
        help_text=_("For example a planning call of 30 minutes. Leave empty if none."),
    )
    expenses_paid = PlainTextField(
        label=_("Expenses you pay besides travel"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
        help_text=_(
            "The bank always pays the experts' travel. Tell here if you also offer "
            "for example lunch or parking."
        ),
    )
    what_to_bring = PlainTextField(
        label=_("What the experts should bring"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
        help_text=_("For example slides on a memory stick. Leave empty if nothing."),
    )
    notes = forms.CharField(
        label=_("Anything else the experts should know"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )

    def __init__(self, *args, user: User, blocks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.blocks = blocks
        units = (
            Unit.objects.can_request().filter(memberships__user=user).select_related("organisation")
        )
        self.fields["unit"].queryset = units.distinct()
        units = list(self.fields["unit"].queryset)
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
            self.fields["unit"].widget = forms.HiddenInput()
        if units and not self.is_bound:
            self.fields["place"].initial = units[0].visiting_address
            self.fields["cost_centre"].initial = units[0].cost_centre
        self.fields["contact_name"].initial = user.full_name
        self.fields["contact_phone"].initial = user.phone
        self.fields["language"].initial = (
            Language.objects.filter(code=settings.LANGUAGE_CODE)
            .values_list("pk", flat=True)
            .first()
        )

    def booking_values(self) -> dict:
        """The cleaned request as ``services.booking_request`` takes it (besides the unit, the
        times and the areas): one list for the unit's form, the coordinator's and the edit."""
        return {name: self.cleaned_data[name] for name in REQUEST_FIELDS}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not (data.get("place") or data.get("remote_link")):
            raise forms.ValidationError(_("Give the place, or the link of a remote meeting."))
        data["times"] = self._times(data)
        if len(data["times"]) > MAX_OCCURRENCES:
            raise forms.ValidationError(
                _("A booking can have at most %(max)s times. Split it into several bookings."),
                params={"max": MAX_OCCURRENCES},
            )
        now = timezone.now()
        if any(start <= now for start, _end in data["times"]):
            raise forms.ValidationError(_("Every time must be in the future."))
        return data

    def _need(self, data: dict, *names: str) -> None:
        missing = [name for name in names if not data.get(name)]
        for name in missing:
            self.add_error(name, _("This is needed for this kind of booking."))
        if missing:
            raise forms.ValidationError(_("Fill in the times of the booking."))

    def _day_times(self, data: dict) -> tuple[time, time]:
        self._need(data, "start_time", "end_time")
        if data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("The end must be after the start."))
            raise forms.ValidationError(_("Fill in the times of the booking."))
        return data["start_time"], data["end_time"]

    def _times(self, data: dict) -> list[tuple[datetime, datetime]]:
        kind = data["kind"]
        if kind == Booking.Kind.ONE_OFF:
            self._need(data, "day")
            start, end = self._day_times(data)
            return [(aware(data["day"], start), aware(data["day"], end))]
        if kind == Booking.Kind.SERIES:
            start, end = self._day_times(data)
            if data.get("dates"):
                try:
                    days = parse_dates(data["dates"])
                except forms.ValidationError as exc:
                    self.add_error("dates", exc)
                    raise forms.ValidationError(_("Fill in the times of the booking.")) from exc
            else:
                self._need(data, "day", "weeks")
                days = [data["day"] + timedelta(weeks=n) for n in range(data["weeks"])]
            if len(days) < 2:
                self.add_error("dates", _("A series has at least two dates."))
                raise forms.ValidationError(_("Fill in the times of the booking."))
            return [(aware(day, start), aware(day, end)) for day in days]
        return self._fixed_term_times(data)

    def _fixed_term_times(self, data: dict) -> list[tuple[datetime, datetime]]:
        self._need(data, "period_start", "period_end")
        first, last = data["period_start"], data["period_end"]
        if last < first:
            self.add_error("period_end", _("The end cannot be before the start."))
            raise forms.ValidationError(_("Fill in the times of the booking."))
        if self.blocks is None or not self.blocks.is_valid():
            raise forms.ValidationError(_("Check the working blocks."))
        blocks = [b for b in self.blocks.cleaned_data if b and b.get("weekday") not in (None, "")]
        if not blocks:
            raise forms.ValidationError(
                _("Give at least one working block: a weekday with its times.")
            )
        times = []
        day = first
        while day <= last and len(times) <= MAX_OCCURRENCES:
            for block in blocks:
                if block["weekday"] == day.weekday():
                    times.append((aware(day, block["start"]), aware(day, block["end"])))
            day += timedelta(days=1)
        if not times:
            raise forms.ValidationError(
                _("None of the working blocks falls between the start and the end.")
            )
        return sorted(times)


class CoordinatorRequestForm(BookingRequestForm):
    """The unit's request form for a coordinator who enters a request on a unit's behalf (it
    came by phone or e-mail): the same fields, terms and preview, with every unit to pick."""

    def __init__(self, *args, user: User, blocks=None, **kwargs):
        super().__init__(*args, user=user, blocks=blocks, **kwargs)
        field = self.fields["unit"]
        field.widget = forms.Select()  # before the queryset, which gives the widget its choices
        field.queryset = (
            Unit.objects.can_request()
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        field.initial = None
        field.label = _("The unit the request is for")
        field.help_text = _(
            "Every booker of the unit is told that the request was received, and hears of it "
            "later too."
        )
        # The contact on the day is the unit's, not the coordinator's.
        self.fields["contact_name"].initial = None
        self.fields["contact_phone"].initial = None


def _input_date(day: date) -> str:
    return day.strftime(formats.get_format("DATE_INPUT_FORMATS")[0])


def booking_initial(booking: Booking) -> tuple[dict, list[dict]]:
    """The request form's initial values of ``booking``, and its working blocks (fixed-term)."""
    initial: dict = {name: getattr(booking, name) for name in REQUEST_FIELDS}
    initial.update(
        unit=booking.unit_id,
        work_kind=booking.work_kind_id,
        language=booking.language_id,
        areas=[area.pk for area in booking.areas.all()],
    )
    times = [
        (timezone.localtime(o.start), timezone.localtime(o.end))
        for o in booking.occurrences.order_by("start", "pk")
    ]
    blocks: list[dict] = []
    if times:
        first_start, first_end = times[0]
        initial.update(
            day=first_start.date(), start_time=first_start.time(), end_time=first_end.time()
        )
        if booking.kind == Booking.Kind.SERIES:
            initial["dates"] = "\n".join(_input_date(start.date()) for start, _end in times)
        elif booking.kind == Booking.Kind.FIXED_TERM:
            initial.update(period_start=times[0][0].date(), period_end=times[-1][0].date())
            seen = []
            for start, end in times:
                block = {"weekday": start.weekday(), "start": start.time(), "end": end.time()}
                if block not in seen:
                    seen.append(block)
            blocks = seen[:7]
    return initial, blocks


class BookingEditForm(BookingRequestForm):
    """A coordinator changes a request's details before it is confirmed: the request form with
    the booking's values, its unit fixed, and its times changed only when asked to."""

    change_times = forms.BooleanField(
        label=_("Change the times too"),
        required=False,
        help_text=_(
            "Tick this to give new times: the times below replace the booking's times. "
            "Otherwise the times stay as they are."
        ),
    )
    reason = PlainTextField(
        label=_("Why the details change (optional)"),
        max_length=500,
        required=False,
        help_text=_("For example: the unit called on 3.12. The booking's history keeps it."),
    )

    def __init__(self, *args, booking: Booking, user: User, blocks=None, **kwargs):
        initial, _blocks = booking_initial(booking)
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, user=user, blocks=blocks, **kwargs)
        self.booking = booking
        field = self.fields["unit"]
        field.widget = forms.HiddenInput()
        field.queryset = Unit.objects.filter(pk=booking.unit_id).select_related("organisation")
        field.initial = booking.unit_id

    def clean(self):
        if self.cleaned_data.get("change_times"):
            return super().clean()
        data = forms.Form.clean(self)
        if self.errors:
            return data
        if not (data.get("place") or data.get("remote_link")):
            raise forms.ValidationError(_("Give the place, or the link of a remote meeting."))
        data["kind"] = self.booking.kind  # the kind of booking goes with its times
        data["times"] = [(o.start, o.end) for o in self.booking.occurrences.order_by("start")]
        return data


class ReasonForm(forms.Form):
    reason = PlainTextField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class OptionalReasonForm(forms.Form):
    reason = PlainTextField(
        label=_("Reason (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class CancelForm(OptionalReasonForm):
    pass


class CoordinatorCancelForm(ReasonForm):
    charge_client = forms.BooleanField(
        label=_("The unit asked to cancel: charge the late cancellation fee if it is late"),
        required=False,
        initial=True,
    )
