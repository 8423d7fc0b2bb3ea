"""The pool of experience experts: who they are, what they do, when they can, what they allow.

Grouped by part: ``reference`` (areas, kinds of work, languages), ``pool`` (the experts and the
import log), ``consent`` (privacy notices, consents, disclosure), ``documents`` (documents and
tax cards) and ``availability`` (weekly times, unavailable days). Every name is importable from
``experts.models`` as before.
"""

from experts.models.availability import AvailabilitySlot, Blackout
from experts.models.consent import AreaDisclosure, ConsentRecord, PrivacyNotice
from experts.models.documents import (
    MONEY,
    PERCENT,
    ExpertDocument,
    ExpertDocumentQuerySet,
    TaxCard,
)
from experts.models.pool import Expert, ExpertImport, ExpertQuerySet
from experts.models.reference import (
    BookerKind,
    ExperienceArea,
    Language,
    TranslatedName,
    WorkKind,
)
from experts.models.support import EVENING_STARTS, SupportProfile

__all__ = [
    "EVENING_STARTS",
    "MONEY",
    "PERCENT",
    "AreaDisclosure",
    "AvailabilitySlot",
    "Blackout",
    "BookerKind",
    "ConsentRecord",
    "ExperienceArea",
    "Expert",
    "ExpertDocument",
    "ExpertDocumentQuerySet",
    "ExpertImport",
    "ExpertQuerySet",
    "Language",
    "PrivacyNotice",
    "SupportProfile",
    "TaxCard",
    "TranslatedName",
    "WorkKind",
]
