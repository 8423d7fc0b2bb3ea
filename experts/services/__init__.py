"""Changes to the expert pool: the one place its business rules live.

``pool`` keeps profiles, consent, disclosure, documents and tax cards; ``availability`` the
weekly times, unavailable days and limits; ``importing`` the bulk import from files.
"""

from experts.services.availability import (
    availability_limits_set,
    blackout_add,
    blackout_remove,
    slot_add,
    slot_remove,
)
from experts.services.pool import (
    EXPERT_EDITABLE_FIELDS,
    ExpertError,
    consent_give,
    consent_requests_send,
    consent_withdraw,
    current_consent,
    disclosure_set,
    document_record,
    expert_create,
    expert_invite,
    expert_is_bookable,
    expert_profile_update,
    expert_update,
    identity_code_duplicate,
    tax_card_record,
)

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
    "document_record",
    "expert_create",
    "expert_invite",
    "expert_is_bookable",
    "expert_profile_update",
    "expert_update",
    "identity_code_duplicate",
    "slot_add",
    "slot_remove",
    "tax_card_record",
]
