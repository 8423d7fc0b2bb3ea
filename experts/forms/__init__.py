from experts.forms.coordinator import DocumentForm, ExpertForm, ImportUploadForm, TaxCardForm
from experts.forms.portal import (
    BlackoutForm,
    DisclosureForm,
    LimitsForm,
    ProfileForm,
    SlotForm,
    SupportProfileForm,
)

__all__ = [
    "BlackoutForm",
    "DisclosureForm",
    "DocumentForm",
    "ExpertForm",
    "ImportUploadForm",
    "LimitsForm",
    "ProfileForm",
    "SlotForm",
    "SupportProfileForm",
    "TaxCardForm",
]
