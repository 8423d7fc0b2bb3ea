"""A person proves a phone number is their own (issue 17): answers by text message count only
from a verified number (``expertbank.services.sms_inbound``).

``phone_code_send`` texts a six-digit code to the person's number through the SMS backend and
the message log (kind ``phone_verification``, key ``phone-verification:<row>``); the bank keeps
only a keyed hash of it, bound to the person and the number. ``phone_code_check`` takes the code
the person typed: only their newest code counts, for ``CODE_VALID``, at most ``MAX_TRIES`` wrong
tries, once. Changing the number clears the verification (``User.save``).
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from expertbank.crypto import keyed_hash
from expertbank.models import Message, PhoneVerification, User
from expertbank.services.notifications import message_send

CODE_VALID = timedelta(minutes=10)
MAX_TRIES = 5
# At most this many codes a person in SEND_WINDOW (whatever the address they ask from).
MAX_SENDS = 3
SEND_WINDOW = timedelta(hours=1)
KEEP_FOR = timedelta(days=1)
_CODE = re.compile(r"^\d{6}$")


class PhoneVerificationError(Exception):
    """A translated message for the person; nothing was changed."""


def _hash(user: User, phone: str, code: str) -> str:
    return keyed_hash(f"phone-verification:{user.pk}:{phone}:{code}")


def phone_code_send(*, user: User) -> PhoneVerification:
    """Text a new code to ``user``'s own number; their earlier codes stop working."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.phone:
            raise PhoneVerificationError(
                _("Add your phone number to your profile first, then send the code.")
            )
        if user.phone_verified_at is not None:
            raise PhoneVerificationError(_("Your phone number is already verified."))
        now = timezone.now()
        recent = PhoneVerification.objects.filter(user=user, created_at__gt=now - SEND_WINDOW)
        if recent.count() >= MAX_SENDS:
            raise PhoneVerificationError(
                _("You have asked for several codes just now. Wait an hour and try again.")
            )
        # Old codes keep a number nobody needs: gone after a day.
        PhoneVerification.objects.filter(user=user, created_at__lt=now - KEEP_FOR).delete()
        code = f"{secrets.randbelow(10**6):06d}"
        row = PhoneVerification.objects.create(
            user=user,
            phone=user.phone,
            code_hash=_hash(user, user.phone, code),
            created_at=now,
            expires_at=now + CODE_VALID,
        )
        message_send(
            kind="phone_verification",
            key=f"phone-verification:{row.pk}",
            to_user=user,
            to=user.phone,
            channel="sms",
            context={"code": code, "minutes": int(CODE_VALID.total_seconds() // 60)},
        )
    return row


def phone_code_pending(user: User) -> bool:
    """Whether ``user`` has an unverified number and a code sent to it that can still be typed."""
    return (
        bool(user.phone)
        and user.phone_verified_at is None
        and user.phone_verifications.filter(
            phone=user.phone, used_at=None, expires_at__gt=timezone.now()
        ).exists()
    )


def phone_code_check(*, user: User, code: str) -> None:
    """Verify ``user``'s number with the code they typed; PhoneVerificationError if it is not
    their newest unused code, has expired, was tried too often or the number has changed."""
    code = re.sub(r"[\s-]", "", code or "")
    if not _CODE.match(code):
        raise PhoneVerificationError(_("Enter the six digits of the code we texted you."))
    error = ""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        row = PhoneVerification.objects.filter(user=user).order_by("-created_at", "-pk").first()
        now = timezone.now()
        if row is None or row.used_at is not None:
            error = _("This code is not valid. Send yourself a new code.")
        elif row.expires_at <= now:
            error = _("The code has expired. Send yourself a new code.")
        elif row.tries >= MAX_TRIES:
            error = _("The code was tried too many times. Send yourself a new code.")
        elif row.phone != user.phone:
            error = _("Your number changed after the code was sent. Send yourself a new code.")
        elif not hmac.compare_digest(row.code_hash, _hash(user, user.phone, code)):
            row.tries += 1
            row.save(update_fields=["tries"])
            if row.tries >= MAX_TRIES:
                error = _("The code was tried too many times. Send yourself a new code.")
            else:
                error = _("The code is not right. Check it and try again.")
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            user.phone_verified_at = now
            user.save(update_fields=["phone_verified_at"])
            # The message log keeps no usable code.
            Message.objects.filter(key=f"phone-verification:{row.pk}").update(
                body=Replace("body", Value(code), Value("••••••"))
            )
    if error:
        raise PhoneVerificationError(error)
