"""Changes to the expert pool: the one place its business rules live.

``pool`` keeps profiles and accounts; ``consent`` consent and disclosure; ``documents``
documents and tax cards; ``availability`` the weekly times, unavailable days and limits;
``importing`` the bulk import from files.

The names here are the top-level actions: each runs in its own durable transaction, and its side
effects (e-mails, files) happen when that commits. Code that already holds a transaction (another
service, the admin, demo data) calls the ``*_impl`` twin from the module instead.
"""

from experts.services.availability import (
    availability_limits_set,
    blackout_add,
    blackout_remove,
    slot_add,
    slot_remove,
)
from experts.services.consent import (
    consent_give,
    consent_requests_send,
    consent_withdraw,
    current_consent,
    disclosure_set,
)
from experts.services.documents import (
    document_check,
    document_delete,
    document_record,
    tax_card_check,
    tax_card_delete,
    tax_card_end,
    tax_card_end_check,
    tax_card_record,
)
from experts.services.pool import (
    EXPERT_EDITABLE_FIELDS,
    ExpertError,
    expert_create,
    expert_invite,
    expert_is_bookable,
    expert_profile_update,
    expert_update,
    expert_values_check,
    identity_code_duplicate,
)
from experts.services.support import support_profile_set

__all__ = [
    "EXPERT_EDITABLE_FIELDS",
    "ExpertError",
    "availability_limits_set",
    "blackout_add",
    "blackout_remove",
    "consent_give",
    "consent_requests_send",
    "consent_withdraw",
    "current_consent",
    "disclosure_set",
    "document_check",
    "document_delete",
    "document_record",
    "expert_create",
    "expert_invite",
    "expert_is_bookable",
    "expert_profile_update",
    "expert_update",
    "expert_values_check",
    "identity_code_duplicate",
    "slot_add",
    "slot_remove",
    "support_profile_set",
    "tax_card_check",
    "tax_card_delete",
    "tax_card_end",
    "tax_card_end_check",
    "tax_card_record",
]
