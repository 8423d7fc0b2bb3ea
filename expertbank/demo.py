"""Demo data of the core: the staff logins. Each app adds its own part in its ``demo.py``."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from expertbank.contact import bank_contact
from expertbank.models import User
from expertbank.roles import Role, role_grant
from expertbank.services.users import user_create

# The documented demo logins (README): not a secret.
DEMO_PASSWORD = "demo-pass-2026"  # nosec B105
DEMO_DOMAIN = "kokemuspankki.example"


def demo_user(
    *,
    email: str,
    full_name: str,
    log: Callable[[str], None],
    language: str = "fi",
    phone: str = "",
    phone_verified: bool = False,
) -> tuple[User, bool]:
    """The demo user with this e-mail, created with the demo password if missing; with
    ``phone_verified`` their number is verified as if they had typed the texted code (issue 17:
    the demo's answers by text message count only from a verified number)."""
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = user_create(email=email, full_name=full_name, language=language, phone=phone)
    # One hash for every demo login: the same documented password, and a password hash takes
    # a good half second by design (dozens of demo users made `make demo` wait for them).
    user.password = _demo_password_hash(settings.PASSWORD_HASHERS[0])
    fields = ["password"]
    if phone and phone_verified:
        user.phone_verified_at = timezone.now()
        fields.append("phone_verified_at")
    user.save(update_fields=fields)
    log(f"created {email}")
    return user, True


@cache
def _demo_password_hash(hasher: str) -> str:
    """The demo password's hash by the preferred ``hasher`` (a key: settings may change it)."""
    return make_password(DEMO_PASSWORD)


def seed(*, log: Callable[[str], None]) -> None:
    coordinator, created = demo_user(
        email=f"koordinaattori@{DEMO_DOMAIN}", full_name="Sanna Virtanen", log=log
    )
    if created:
        role_grant(user=coordinator, role=Role.COORDINATOR)
    trainer, created = demo_user(
        email=f"kouluttaja@{DEMO_DOMAIN}", full_name="Jukka Nieminen", log=log
    )
    if created:
        role_grant(user=trainer, role=Role.TRAINER)
    _messages(log=log)


def _messages(*, log: Callable[[str], None]) -> None:
    """The message log's other states beside what the seeding sends: one message failed for
    good (an address that no longer exists) and one waiting for its next try after the mail
    server did not answer. The rest is sent by the demo's worker as soon as it starts."""
    from datetime import timedelta

    from django.utils import timezone

    from expertbank.models import Message
    from expertbank.services.notifications import render_message

    if Message.objects.filter(key__startswith="demo:").exists():
        return
    now = timezone.now()
    context = {
        "url": f"{settings.SITE_URL}/invitation/demo/",
        "inviter": "Sanna Virtanen",
        "expires_at": now + timedelta(days=12),
        "bank": bank_contact("fi"),
        "site_url": settings.SITE_URL,
    }
    rows = [
        {
            "key": "demo:invitation:pekka.korhonen",
            "to": "pekka.korhonen@vanha-osoite.example",
            "status": Message.Status.FAILED,
            "attempts": 1,
            "created_at": now - timedelta(days=2, hours=3),
            "claimed_at": now - timedelta(days=2, hours=3),
            "error": "SMTPRecipientsRefused: {'pekka.korhonen@vanha-osoite.example': "
            "(550, b'5.1.1 Mailbox unavailable')}",
        },
        {
            "key": "demo:invitation:liisa.jokinen",
            "to": "liisa.jokinen@esimerkkikunta.example",
            "status": Message.Status.PENDING,
            "attempts": 3,
            "created_at": now - timedelta(minutes=9),
            "claimed_at": now - timedelta(minutes=4),
            "next_attempt_at": now + timedelta(hours=2),
            "error": "SMTPServerDisconnected: Connection unexpectedly closed",
        },
    ]
    for row in rows:
        subject, body, html = render_message(
            kind="invitation", channel=Message.Channel.EMAIL, language="fi", context=context
        )
        Message.objects.create(
            kind="invitation",
            channel=Message.Channel.EMAIL,
            language="fi",
            subject=subject,
            body=body,
            html=html,
            **row,
        )
    log("created demo messages: one failed, one waiting")
