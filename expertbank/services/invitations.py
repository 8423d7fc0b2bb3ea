"""Invitations: a signed, expiring, single-use link to set a password and log in.

The person's user exists from the moment they are invited (so later steps can give them an expert
profile or a unit membership); it has no usable password until the invitation is accepted.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from expertbank.models import Invitation, User
from expertbank.roles import Role, role_grant
from expertbank.services.notifications import message_send
from expertbank.services.users import email_address_verify, user_create

SALT = "expertbank.invitation"


class InvitationError(Exception):
    """An invitation cannot be created or used; the message says why, for the person."""


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=SALT, compress=True)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("invitation_accept", args=[invitation_token(invitation)])


@transaction.atomic
def invitation_create(
    *,
    email: str,
    invited_by: User | None,
    full_name: str = "",
    language: str | None = None,
    role: Role | None = None,
) -> Invitation:
    """Invite a person by e-mail; earlier open invitations of the same person stop working."""
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and user.has_usable_password():
        raise InvitationError(
            _("%(email)s already has an account. They can log in or reset their password.")
            % {"email": email}
        )
    if user is None:
        user = user_create(email=email, full_name=full_name, language=language)
    elif full_name and not user.full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    if role is not None:
        role_grant(user=user, role=role)
    now = timezone.now()
    Invitation.objects.filter(user=user, accepted_at=None, revoked_at=None).update(revoked_at=now)
    invitation = Invitation.objects.create(
        email=email,
        user=user,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )
    message_send(
        kind="invitation",
        key=f"invitation:{invitation.pk}",
        to_user=user,
        context={
            "url": invitation_url(invitation),
            "inviter": invited_by.get_full_name() if invited_by else "",
            "expires_at": invitation.expires_at,
        },
    )
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The invitation behind a link, if the link is genuine, unused and in time."""
    max_age = timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvitationError(_("This invitation link has expired. Ask for a new one.")) from exc
    except signing.BadSignature as exc:
        raise InvitationError(_("This invitation link is not valid.")) from exc
    invitation = Invitation.objects.select_related("user").filter(pk=data.get("i")).first()
    if invitation is None or invitation.email != data.get("e"):
        raise InvitationError(_("This invitation link is not valid."))
    _check_usable(invitation)
    return invitation


def _check_usable(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise InvitationError(
            _("This invitation has already been used. Log in with your e-mail and password.")
        )
    if invitation.revoked_at is not None:
        raise InvitationError(
            _("This invitation was replaced by a newer one. Use the newest link.")
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation link has expired. Ask for a new one."))


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Set the invited person's password, once; their e-mail address counts as verified."""
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    _check_usable(invitation)
    user = invitation.user
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    email_address_verify(user=user)
    return user
