"""Demo data of the core: the staff logins. Each app adds its own part in its ``demo.py``."""

from __future__ import annotations

from collections.abc import Callable

from expertbank.models import User
from expertbank.roles import Role, role_grant
from expertbank.services.users import user_create

# The documented demo logins (README): not a secret.
DEMO_PASSWORD = "demo-pass-2026"  # nosec B105
DEMO_DOMAIN = "kokemuspankki.example"


def demo_user(
    *, email: str, full_name: str, log: Callable[[str], None], language: str = "fi", phone: str = ""
) -> tuple[User, bool]:
    """The demo user with this e-mail, created with the demo password if missing."""
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = user_create(
        email=email, full_name=full_name, language=language, password=DEMO_PASSWORD, phone=phone
    )
    log(f"created {email}")
    return user, True


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
