"""The expert's access and support profile (``SupportProfile``): kept by the expert (or a
coordinator on their behalf), private unless shared item by item with the booking unit."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from expertbank.models import User
from expertbank.services.audit import audit_record
from experts.models import Expert, SupportProfile
from experts.services.pool import ExpertError

SUPPORT_FIELDS = (
    "companion",
    "companion_person",
    "interpreter",
    "quiet_room",
    "questions_in_advance",
    "max_minutes",
    "no_evenings",
    "step_free",
    "other",
    "shared_with_unit",
)
MAX_MINUTES_RANGE = (15, 720)


def support_profile_check(values: dict, *, expert: Expert | None = None) -> None:
    person = values.get("companion_person")
    if person is not None and person.role != Expert.Role.SUPPORT_PERSON:
        raise ExpertError(
            _(
                "%(name)s is not a support person of the pool, so they cannot be the usual "
                "companion. Choose a support person."
            )
            % {"name": person.name}
        )
    if person is not None and expert is not None and person.pk == expert.pk:
        raise ExpertError(_("An expert cannot be their own companion."))
    if values.get("interpreter", "") not in SupportProfile.Interpreter.values:
        raise ExpertError(_("Choose an interpreter from the list."))
    minutes = values.get("max_minutes")
    if minutes is not None and not MAX_MINUTES_RANGE[0] <= minutes <= MAX_MINUTES_RANGE[1]:
        raise ExpertError(
            _("The longest gig must be between %(low)s and %(high)s minutes.")
            % {"low": MAX_MINUTES_RANGE[0], "high": MAX_MINUTES_RANGE[1]}
        )
    unknown = set(values.get("shared_with_unit") or ()) - set(SupportProfile.Item.values)
    if unknown:
        raise ExpertError(_("Choose what the booking unit sees from the list."))
    if len(values.get("other") or "") > 1000:
        raise ExpertError(_("Tell the other needs in at most 1000 characters."))


def support_profile_set_impl(*, expert: Expert, by: User | None, **values) -> SupportProfile:
    """``support_profile_set`` inside the caller's transaction (demo data, the admin)."""
    unknown = set(values) - set(SUPPORT_FIELDS)
    if unknown:
        raise ExpertError(_("Unknown support items: %(items)s") % {"items": ", ".join(unknown)})
    support_profile_check(values, expert=expert)
    if "shared_with_unit" in values:
        values["shared_with_unit"] = [
            item
            for item in SupportProfile.Item.values
            if item in set(values.get("shared_with_unit") or ())
        ]
    Expert.objects.select_for_update().get(pk=expert.pk)
    profile, _created = SupportProfile.objects.get_or_create(expert=expert)
    before = {name: getattr(profile, name) for name in values}
    for name, value in values.items():
        setattr(profile, name, value)
    profile.save()
    changed = {
        # The free text is sensitive: the log says it changed, not what it says.
        name: "…" if name == "other" else [str(before[name]), str(value)]
        for name, value in values.items()
        if before[name] != value
    }
    if changed:
        audit_record(obj=expert, actor=by, action="support profile changed", changes=changed)
    return profile


@transaction.atomic(durable=True)
def support_profile_set(*, expert: Expert, by: User | None, **values) -> SupportProfile:
    """Save the expert's support needs and what of them the booking unit sees."""
    return support_profile_set_impl(expert=expert, by=by, **values)
