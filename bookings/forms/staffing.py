"""Forms of the coordinator's staffing: offers and replacements with an answer deadline, moving
a time, billing, changing a booking's details or terms, and inviting a unit member."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.forms.requests import DATE_WIDGET, TIME_WIDGET, aware
from bookings.models import (
    TERMS_FIELDS,
    Booking,
    BookingTerms,
    FundingSource,
    Membership,
    Unit,
)
from bookings.models.bookings import MAX_EXPERTS
from expertbank.fields import (
    HorizonDateField,
    IdChoiceField,
    IdMultipleChoiceField,
    guarded_formfield,
)
from experts.models import Expert, WorkKind


class AnswerByMixin(forms.Form):
    answer_by_date = HorizonDateField(label=_("Answer by (date)"), widget=DATE_WIDGET)
    answer_by_time = forms.TimeField(label=_("Answer by (time)"), widget=TIME_WIDGET)
    note = forms.CharField(
        label=_("Note to the experts (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, booking: Booking, **kwargs):
        super().__init__(*args, **kwargs)
        default = timezone.localtime(timezone.now() + timedelta(days=2))
        if booking.first_start:
            default = min(default, timezone.localtime(booking.first_start - timedelta(hours=2)))
        self.fields["answer_by_date"].initial = default.date()
        self.fields["answer_by_time"].initial = default.time().replace(
            second=0, microsecond=0, minute=0
        )

    def clean(self):
        data = super().clean()
        if data.get("answer_by_date") and data.get("answer_by_time"):
            data["answer_by"] = aware(data["answer_by_date"], data["answer_by_time"])
        return data


class OfferForm(AnswerByMixin):
    experts = IdMultipleChoiceField(
        label=_("Experts to offer the booking to"),
        queryset=Expert.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one expert.")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = candidates
        self.fields["experts"].label_from_instance = lambda expert: expert.name
        self.order_fields(["experts"])


class PairOfferForm(AnswerByMixin):
    """A pair offered in one step (issue 17): the button posts "<new expert>-<partner>", both
    ranked candidates; anything else is an error for the whole form (shown above the list)."""

    pair = forms.CharField(max_length=30, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates

    def clean(self):
        data = super().clean()
        new_id, _sep, partner_id = (data.get("pair") or "").partition("-")
        ids = [int(i) for i in (new_id, partner_id) if i.isdigit() and len(i) < 12]
        found = {e.pk: e for e in self.candidates.filter(pk__in=ids)} if len(ids) == 2 else {}
        if len(ids) != 2 or ids[0] == ids[1] or len(found) != 2:
            raise forms.ValidationError(
                _("That pair cannot be offered this booking. Reload the list of candidates.")
            )
        data["pair"] = (found[ids[0]], found[ids[1]])
        return data


class ReplaceForm(AnswerByMixin):
    expert = IdChoiceField(
        label=_("Replacement"),
        queryset=Expert.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = candidates
        self.fields["expert"].label_from_instance = lambda expert: expert.name
        self.order_fields(["expert"])


class RescheduleForm(forms.Form):
    day = HorizonDateField(label=_("New date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_WIDGET)
    place = forms.CharField(label=_("Place, if not the booking's"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Note (why it moves)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start_time") and data.get("end_time"):
            if data["end_time"] <= data["start_time"]:
                self.add_error("end_time", _("The end must be after the start."))
            else:
                data["start"] = aware(data["day"], data["start_time"])
                data["end"] = aware(data["day"], data["end_time"])
        return data


class FundingForm(forms.Form):
    funding_source = IdChoiceField(
        label=_("Charged to"),
        queryset=FundingSource.objects.filter(active=True),
        required=False,
        empty_label=_("Invoice the unit"),
    )


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Name"), max_length=200)
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )
    role = forms.ChoiceField(
        label=_("Role in the unit"),
        choices=Membership.Role.choices,
        initial=Membership.Role.BOOKER,
    )


class BookingChangeForm(forms.Form):
    """What the price and staffing of a booking depend on (``services.booking_change``)."""

    unit = IdChoiceField(
        label=_("Unit"), queryset=Unit.objects.can_request().select_related("organisation")
    )
    work_kind = IdChoiceField(
        label=_("Kind of work"), queryset=WorkKind.objects.filter(active=True)
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Booking.Audience.choices)
    experts_wanted = forms.IntegerField(
        label=_("Number of experts"), min_value=1, max_value=MAX_EXPERTS
    )
    reason = forms.CharField(
        label=_("Why it changes"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    @classmethod
    def for_booking(cls, booking: Booking, data=None) -> BookingChangeForm:
        form = cls(
            data,
            initial={
                "unit": booking.unit_id,
                "work_kind": booking.work_kind_id,
                "audience": booking.audience,
                "experts_wanted": booking.experts_wanted,
            },
        )
        # A deactivated unit leaves the picker, but a booking it already has keeps it.
        units = Unit.objects.can_request() | Unit.objects.filter(pk=booking.unit_id)
        form.fields["unit"].queryset = units.select_related("organisation")
        return form


class RepriceForm(forms.ModelForm):
    """New terms for one booking: the price row in force now, or terms given by hand."""

    SOURCE_ROW = "row"
    SOURCE_HAND = "hand"

    source = forms.ChoiceField(
        label=_("New terms"),
        choices=[
            (SOURCE_ROW, _("The price list row in force now")),
            (SOURCE_HAND, _("The terms below, by hand")),
        ],
        widget=forms.RadioSelect,
        initial=SOURCE_ROW,
    )
    reason = forms.CharField(
        label=_("Why the terms change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    class Meta:
        model = BookingTerms
        formfield_callback = guarded_formfield
        fields = TERMS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["source", *TERMS_FIELDS, "reason"])

    def _post_clean(self):
        # By hand, the terms must be whole; from the row, the row's own terms are used.
        if self.cleaned_data.get("source") == self.SOURCE_HAND:
            super()._post_clean()

    def values(self) -> dict[str, object] | None:
        if self.cleaned_data["source"] != self.SOURCE_HAND:
            return None
        return {name: self.cleaned_data[name] for name in TERMS_FIELDS}
