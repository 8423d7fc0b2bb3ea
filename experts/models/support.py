"""An expert's access and support profile: what they need to take a gig well.

Private by default: the expert chooses item by item what the booking unit sees
(``shared_with_unit``); coordinators see every item. Matching reads ``no_evenings`` and
``max_minutes`` (``bookings.matching``); a companion or an interpreter is priced by the booking's
frozen terms (``bookings.money``).
"""

from __future__ import annotations

from datetime import time

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from experts.models.pool import Expert

# Nothing may end later than this for an expert who said "no evenings".
EVENING_STARTS = time(18, 0)


class SupportProfile(models.Model):
    """One per expert (made when first saved); every need off by default."""

    class Interpreter(models.TextChoices):
        NONE = "", _("no interpreter")
        SPOKEN = "spoken", _("a spoken-language interpreter")
        SIGN = "sign", _("a sign-language interpreter")
        WRITING = "writing", _("a speech-to-text interpreter")

    class Item(models.TextChoices):
        COMPANION = "companion", _("companion or support person")
        INTERPRETER = "interpreter", _("interpreter")
        QUIET_ROOM = "quiet_room", _("a quiet room")
        QUESTIONS = "questions_in_advance", _("the questions in advance")
        MAX_MINUTES = "max_minutes", _("maximum length")
        NO_EVENINGS = "no_evenings", _("no evenings")
        STEP_FREE = "step_free", _("step-free access")
        OTHER = "other", _("other needs")

    expert = models.OneToOneField(
        Expert, on_delete=models.CASCADE, related_name="support", verbose_name=_("expert")
    )
    companion = models.BooleanField(
        _("I come with a companion or support person"),
        default=False,
        help_text=_("The companion's fee per hour is paid from the booking's terms."),
    )
    # Who usually comes along: a support person of the pool, proposed as the companion of each
    # gig (the coordinator can choose another on the booking's page).
    companion_person = models.ForeignKey(
        Expert,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="companion_for",
        limit_choices_to={"role": "support_person"},
        verbose_name=_("usual companion"),
        help_text=_("A support person in the pool; paid the companion fee of each gig."),
    )
    interpreter = models.CharField(
        _("interpreter"), max_length=10, choices=Interpreter.choices, blank=True, default=""
    )
    quiet_room = models.BooleanField(_("I need a quiet room to rest in"), default=False)
    questions_in_advance = models.BooleanField(_("I need the questions in advance"), default=False)
    max_minutes = models.PositiveSmallIntegerField(
        _("longest gig I can take (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(15), MaxValueValidator(720)],
        help_text=_("Leave empty for no limit. You get no offers for longer gigs."),
    )
    no_evenings = models.BooleanField(
        _("no evenings"),
        default=False,
        help_text=_("You get no offers for gigs that end after 18.00."),
    )
    step_free = models.BooleanField(_("I need step-free access"), default=False)
    other = models.TextField(_("anything else"), blank=True, max_length=1000)
    shared_with_unit = models.JSONField(
        _("shown to the booking unit"),
        default=list,
        blank=True,
        help_text=_("The items the booking unit sees; the rest only the coordinators see."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("access and support profile")
        verbose_name_plural = _("access and support profiles")

    def __str__(self) -> str:
        return str(self.expert_id)

    def items(self) -> list[tuple[str, str]]:
        """(item, what it says) for each need that is set, in a fixed order."""
        found: list[tuple[str, str]] = []
        item = self.Item
        if self.companion:
            found.append((item.COMPANION, str(_("comes with a companion or support person"))))
        if self.interpreter:
            found.append((item.INTERPRETER, str(self.get_interpreter_display())))
        if self.quiet_room:
            found.append((item.QUIET_ROOM, str(_("needs a quiet room to rest in"))))
        if self.questions_in_advance:
            found.append((item.QUESTIONS, str(_("needs the questions in advance"))))
        if self.max_minutes:
            found.append(
                (item.MAX_MINUTES, str(_("at most %(n)s minutes") % {"n": self.max_minutes}))
            )
        if self.no_evenings:
            found.append((item.NO_EVENINGS, str(_("nothing ending after 18.00"))))
        if self.step_free:
            found.append((item.STEP_FREE, str(_("needs step-free access"))))
        if self.other.strip():
            found.append((item.OTHER, self.other.strip()))
        return found

    def texts(self) -> list[str]:
        """Every need that is set: what coordinators see."""
        return [text for _item, text in self.items()]

    def rows(self) -> list[tuple[str, bool]]:
        """(what it says, shown to the unit) for each need that is set: the coordinators' view."""
        shared = set(self.shared_with_unit or ())
        return [(text, item in shared) for item, text in self.items()]

    def shared_texts(self) -> list[str]:
        """Only the needs the expert shows to the booking unit."""
        shared = set(self.shared_with_unit or ())
        return [text for item, text in self.items() if item in shared]

    @property
    def needs_companion(self) -> bool:
        return self.companion

    @property
    def needs_interpreter(self) -> bool:
        return bool(self.interpreter)
