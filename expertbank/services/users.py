from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction

from expertbank.models import User


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str = "",
    language: str | None = None,
    password: str | None = None,
    phone: str = "",
) -> User:
    """Create a user the system vouches for: the e-mail address is recorded as verified.

    Users made by the system (seed, import, acceptance of an applicant) never go through
    allauth's sign-up, so they get their verified primary ``EmailAddress`` here.
    """
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        language=language or settings.LANGUAGE_CODE,
        phone=phone,
    )
    email_address_verify(user=user)
    return user


def email_address_verify(*, user: User) -> EmailAddress:
    """Record the user's current e-mail as their verified primary address."""
    address, _created = EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    EmailAddress.objects.filter(user=user).exclude(pk=address.pk).update(primary=False)
    return address
