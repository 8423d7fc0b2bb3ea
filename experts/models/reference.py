"""Reference data of the pool: the lists coordinators keep (experience areas, kinds of work,
languages) and the kinds of booking organisation an expert discloses to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BookerKind(models.TextChoices):
    """Kinds of booking organisation; an expert decides per kind what is disclosed."""

    CITY = "city", _("city unit")
    WELLBEING_COUNTY = "wellbeing_county", _("wellbeing services county")
    ASSOCIATION = "association", _("association")
    SCHOOL = "school", _("school")
    COMPANY = "company", _("company")


class TranslatedName(models.Model):
    """A coordinator-managed list entry with its name in each of the site's languages."""

    name_fi = models.CharField(_("name in Finnish"), max_length=120)
    name_sv = models.CharField(_("name in Swedish"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "name_fi"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "fi")[:2]
        return getattr(self, f"name_{language}", "") or self.name_fi


class ExperienceArea(TranslatedName):
    """An area of lived experience: substance use, mental health, homelessness…"""

    slug = models.SlugField(_("code"), unique=True)
    heavy = models.BooleanField(
        _("heavy theme"),
        default=False,
        help_text=_("Experts may want rest days after gigs on a heavy theme."),
    )

    class Meta(TranslatedName.Meta):
        verbose_name = _("experience area")
        verbose_name_plural = _("experience areas")


class WorkKind(TranslatedName):
    """A kind of work (talk, customer panel…) with its Incomes Register income type."""

    code = models.SlugField(_("code"), unique=True)
    income_type = models.CharField(
        _("income type code"),
        max_length=8,
        help_text=_("Incomes Register income type, e.g. 214 lecture fee, 210 meeting fee."),
    )

    class Meta(TranslatedName.Meta):
        verbose_name = _("kind of work")
        verbose_name_plural = _("kinds of work")


class Language(TranslatedName):
    code = models.CharField(_("code"), max_length=8, unique=True)

    class Meta(TranslatedName.Meta):
        verbose_name = _("language")
        verbose_name_plural = _("languages")
