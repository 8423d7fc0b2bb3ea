"""Admin for the pool. It is a view like any other: every change goes through the pool's
services, which check their rules and write the audit log, or the field is read-only.

- The expert's profile and limits are saved by ``expert_update``; status, certification and the
  sensitive fields (identity code, bank account, caps, notes) are read-only here and changed on
  the coordinator's edit page, which validates them. Experts are never deleted here.
- Documents, tax cards, weekly times and unavailable days: a new row is recorded by its service
  (its rule checked as the form is validated), a saved row is read-only, and removing one goes
  through its service too. A tax card can also be ended earlier. Consents are read-only.
- A privacy notice is read-only once published; reference data in use cannot be deleted.

The admin saves inside its own transaction, so it calls the services' ``*_impl`` functions.
"""

from experts.admin.experts import ExpertAdmin
from experts.admin.reference import (
    ExperienceAreaAdmin,
    ExpertImportAdmin,
    LanguageAdmin,
    PrivacyNoticeAdmin,
    TranslatedNameAdmin,
    WorkKindAdmin,
)
from experts.admin.rows import ServiceInline, ServiceRowForm
from experts.admin.support import SupportProfileAdmin

__all__ = [
    "ExperienceAreaAdmin",
    "ExpertAdmin",
    "ExpertImportAdmin",
    "LanguageAdmin",
    "PrivacyNoticeAdmin",
    "ServiceInline",
    "ServiceRowForm",
    "SupportProfileAdmin",
    "TranslatedNameAdmin",
    "WorkKindAdmin",
]
