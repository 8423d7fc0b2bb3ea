"""Members of booking units: a coordinator invites a person into a unit."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from bookings.models import Membership, Unit
from bookings.services import notify
from bookings.services.common import BookingError
from expertbank.models import User
from expertbank.roles import forget_roles
from expertbank.services.audit import audit_record
from expertbank.services.invitations import InvitationError, invitation_create


@transaction.atomic(durable=True)
def member_invite(
    *,
    unit: Unit,
    email: str,
    by: User,
    full_name: str = "",
    language: str | None = None,
    role: str = Membership.Role.BOOKER,
) -> Membership:
    """Make a person a member of ``unit``.

    A person without a password gets an invitation link (the core invitation service); someone
    who already logs in is told they were added.
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and Membership.objects.filter(user=user, unit=unit).exists():
        raise BookingError(
            _("%(email)s is already a member of %(unit)s.") % {"email": email, "unit": unit.name}
        )
    invite = user is None or not user.has_usable_password()
    if invite:
        try:
            invitation = invitation_create(
                email=email, invited_by=by, full_name=full_name, language=language
            )
        except InvitationError as exc:
            raise BookingError(str(exc)) from exc
        user = invitation.user
    membership = Membership.objects.create(user=user, unit=unit, role=role)
    forget_roles(user)
    if not invite:
        notify.member_added(membership)
    audit_record(
        obj=unit, actor=by, action="member added", changes={"member": ["", f"{email} ({role})"]}
    )
    return membership
