"""Two-factor authentication (``allauth.mfa``) for the roles that see other people's data.

Coordinators, trainers and staff must have a second factor (an authenticator app or a security
key) whenever ``MFA_REQUIRED_FOR_STAFF`` is on, which it is by default with DEBUG off. Until they
have one, every page except setting one up, logging in and out and the language switch sends
them to the two-factor page; with one, allauth asks for a code at every login. The secrets
allauth stores (the TOTP key, the recovery codes' seed) are encrypted with the field keys.
"""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from expertbank import crypto
from expertbank.roles import has_staff_role

# A recovery code alone is not a second factor: it exists only beside one of these.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

# Pages a user who still has to set up two-factor authentication may open (besides the
# two-factor pages themselves, static files and uploads).
OPEN_URL_NAMES = frozenset(
    {"account_login", "account_logout", "account_reauthenticate", "set_language"}
)


def mfa_required(user) -> bool:
    """The user must use two-factor authentication: a coordinator, trainer or staff user on a
    site where ``MFA_REQUIRED_FOR_STAFF`` is on."""
    return bool(settings.MFA_REQUIRED_FOR_STAFF) and has_staff_role(user)


def mfa_setup_pending(user) -> bool:
    """The user must set up two-factor authentication before they may open anything else."""
    return (
        mfa_required(user)
        and not Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()
    )


def _is_open(path: str) -> bool:
    if path.startswith((settings.STATIC_URL, settings.MEDIA_URL, reverse("mfa_index"))):
        return True
    try:
        return resolve(path).url_name in OPEN_URL_NAMES
    except Resolver404:
        return False


class MFARequiredMiddleware:
    """Sends a user who must set up two-factor authentication to the two-factor page from
    every other page (the admin too). ``request.mfa_setup_pending`` tells the templates to
    explain why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.mfa_setup_pending = False
        if mfa_setup_pending(request.user):
            request.mfa_setup_pending = True
            if not _is_open(request.path_info):
                url = reverse("mfa_index")
                if request.headers.get("HX-Request"):
                    # htmx would follow a redirect and swap the whole page into a fragment.
                    return HttpResponse(headers={"HX-Redirect": url})
                return HttpResponseRedirect(url)
        return self.get_response(request)


class MFAAdapter(DefaultMFAAdapter):
    """allauth keeps the TOTP key and the recovery codes' seed in the database: encrypted here
    like identity codes, with ``FIELD_ENCRYPTION_KEYS``."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)


# The values allauth passes through the adapter's encrypt(), by key of Authenticator.data.
_ENCRYPTED_DATA_KEYS = ("secret", "seed")


def mfa_secrets_rotate(*, batch_size: int = 500) -> crypto.RotationCount:
    """Re-encrypt every stored two-factor secret with the newest field key (part of
    ``manage.py rotate_field_keys``), so an old key can be dropped without locking anyone out.
    """
    count = crypto.RotationCount(label="mfa.Authenticator secrets")
    last_pk = 0
    while True:
        with transaction.atomic():
            authenticators = list(
                Authenticator.objects.select_for_update()
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .only("pk", "data")[:batch_size]
            )
            if not authenticators:
                return count
            for authenticator in authenticators:
                data = dict(authenticator.data)
                changed = False
                for key in _ENCRYPTED_DATA_KEYS:
                    if key in data:
                        changed |= _rotate_into(data, key, count)
                if "migrated_codes" in data:
                    codes = list(data["migrated_codes"])
                    for index in range(len(codes)):
                        changed |= _rotate_into(codes, index, count)
                    data["migrated_codes"] = codes
                if changed:
                    Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
            last_pk = authenticators[-1].pk


def _rotate_into(container, key, count: crypto.RotationCount) -> bool:
    token = container[key]
    if crypto.is_current(token):
        count.current += 1
        return False
    try:
        container[key] = crypto.rotate(token)
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            f"{count.label}: a secret cannot be decrypted with any key in "
            "FIELD_ENCRYPTION_KEYS; add the key it was encrypted with and run again."
        ) from exc
    count.rotated += 1
    return True
