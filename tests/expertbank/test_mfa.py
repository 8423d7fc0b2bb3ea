"""Two-factor authentication: coordinators, trainers and staff set it up before anything else when
it is required, then give a code at every login; experts and unit members are never asked."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.core.management import call_command

from expertbank import crypto
from expertbank.models import Invitation
from tests.expertbank.test_settings import _run
from tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    ExpertFactory,
    MembershipFactory,
    TrainerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MFA_INDEX = "/accounts/2fa/"
ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"
LOGIN = "/accounts/login/"
REAUTHENTICATE = "/accounts/reauthenticate/"
EXPLANATION = "Your account can reach other people's sensitive data"


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


@pytest.fixture
def not_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = False


def totp_code(secret: str, *, step: int = 0) -> str:
    """RFC 6238 by hand (HMAC-SHA1, 30-second steps, six digits), independent of allauth."""
    counter = int(time.time()) // 30 + step
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**6:06d}"


def wrong_code(secret: str) -> str:
    valid = {totp_code(secret, step=step) for step in (-1, 0, 1)}
    return next(code for code in (f"{n:06d}" for n in range(1000)) if code not in valid)


def log_in(client, user):
    return client.post(LOGIN, {"login": user.email, "password": PASSWORD})


def logged_in_user(client):
    return client.get("/accounts/2fa/").wsgi_request.user


def confirm_password(client) -> None:
    """allauth asks for the password again before an authenticator is added or removed."""
    response = client.post(REAUTHENTICATE, {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def activate_totp(client) -> str:
    """Set up an authenticator app as the logged-in user; returns its secret."""
    confirm_password(client)
    secret = client.get(ACTIVATE).context["form"].secret
    response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret


# --- Required: set up first ------------------------------------------------------------------

BLOCKED_PAGES = [
    "/",
    "/coordinator/",
    "/coordinator/invitations/",
    "/coordinator/experts/",
    "/coordinator/bookings/",
    "/coordinator/invoicing/",
    "/coordinator/training/",
    "/training/",
    "/admin/",
    "/admin/expertbank/user/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/no-such-page/",
]


@pytest.mark.parametrize("url", BLOCKED_PAGES)
def test_a_coordinator_without_an_authenticator_is_sent_to_set_one_up_from_every_page(
    client, required, url
):
    client.force_login(CoordinatorFactory())
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == MFA_INDEX


@pytest.mark.parametrize(
    "make_user",
    [
        TrainerFactory,
        lambda: UserFactory(is_staff=True),
        lambda: UserFactory(is_staff=True, is_superuser=True),
    ],
    ids=["trainer", "staff", "superuser"],
)
def test_trainers_staff_and_superusers_must_set_one_up_too(client, required, make_user):
    client.force_login(make_user())
    for url in ("/", "/training/", "/admin/"):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, MFA_INDEX), url


def test_a_post_before_setting_up_changes_nothing(client, required):
    client.force_login(CoordinatorFactory())
    response = client.post(
        "/coordinator/invitations/",
        {"email": "new@example.com", "full_name": "Uusi Ihminen", "language": "fi", "role": ""},
    )
    assert (response.status_code, response.url) == (302, MFA_INDEX)
    assert not Invitation.objects.exists()


def test_an_htmx_request_turns_the_whole_page_to_the_setup(client, required):
    client.force_login(CoordinatorFactory())
    response = client.get("/coordinator/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == MFA_INDEX


def test_the_two_factor_page_explains_why_in_the_users_language(client, required):
    client.force_login(CoordinatorFactory(language="sv"))
    page = client.get(MFA_INDEX)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Tvåfaktorsautentisering" in content  # allauth's own Swedish
    assert 'role="alert"' in content
    # The explanation is translated (the project's catalogue); in English it reads:
    client.force_login(CoordinatorFactory(language="en"))
    assert EXPLANATION in client.get(MFA_INDEX).content.decode()


def test_logging_out_and_switching_language_stay_open_while_setting_up(client, required):
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    response = client.post("/language/", {"language": "sv", "next": MFA_INDEX})
    assert (response.status_code, response.url) == (302, MFA_INDEX)
    coordinator.refresh_from_db()
    assert coordinator.language == "sv"
    client.post("/accounts/logout/")
    assert not logged_in_user(client).is_authenticated


def test_a_coordinator_sets_up_an_authenticator_app_and_then_gets_in(client, required):
    coordinator = CoordinatorFactory()
    assert log_in(client, coordinator).status_code == 302
    assert client.get("/coordinator/").url == MFA_INDEX

    # The password is asked again first (allauth's reauthentication), and that page stays open.
    assert client.get(ACTIVATE).url.startswith(REAUTHENTICATE)
    assert client.get(REAUTHENTICATE).status_code == 200
    confirm_password(client)
    secret = client.get(ACTIVATE).context["form"].secret
    refused = client.post(ACTIVATE, {"code": wrong_code(secret)})
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert not Authenticator.objects.filter(user=coordinator).exists()

    response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert (response.status_code, response.url) == (302, "/accounts/2fa/recovery-codes/")
    assert client.get("/coordinator/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_with_an_authenticator_the_login_asks_for_the_code(client, required):
    coordinator = CoordinatorFactory()
    log_in(client, coordinator)
    secret = activate_totp(client)
    client.post("/accounts/logout/")

    response = log_in(client, coordinator)
    assert (response.status_code, response.url) == (302, AUTHENTICATE)
    assert not logged_in_user(client).is_authenticated
    assert client.get("/coordinator/").url.startswith(LOGIN)

    refused = client.post(AUTHENTICATE, {"code": wrong_code(secret)})
    assert refused.status_code == 200
    assert "Virheellinen koodi." in refused.content.decode()  # allauth's Finnish
    assert not logged_in_user(client).is_authenticated

    response = client.post(AUTHENTICATE, {"code": totp_code(secret, step=1)})
    assert response.status_code == 302
    assert logged_in_user(client) == coordinator
    assert client.get("/coordinator/").status_code == 200


def test_an_authenticator_code_is_accepted_once(client, required):
    coordinator = CoordinatorFactory()
    log_in(client, coordinator)
    secret = activate_totp(client)
    code = totp_code(secret)
    for expected in (True, False):
        client.post("/accounts/logout/")
        log_in(client, coordinator)
        client.post(AUTHENTICATE, {"code": code})
        assert logged_in_user(client).is_authenticated is expected


def test_a_recovery_code_works_once(client, required):
    coordinator = CoordinatorFactory()
    log_in(client, coordinator)
    activate_totp(client)
    recovery = Authenticator.objects.get(
        user=coordinator, type=Authenticator.Type.RECOVERY_CODES
    ).wrap()
    code = recovery.get_unused_codes()[0]

    client.post("/accounts/logout/")
    log_in(client, coordinator)
    client.post(AUTHENTICATE, {"code": code})
    assert logged_in_user(client) == coordinator

    client.post("/accounts/logout/")
    log_in(client, coordinator)
    refused = client.post(AUTHENTICATE, {"code": code})
    assert refused.status_code == 200
    assert not logged_in_user(client).is_authenticated


def test_repeated_wrong_codes_are_rate_limited(client, required):
    coordinator = CoordinatorFactory()
    log_in(client, coordinator)
    secret = activate_totp(client)
    client.post("/accounts/logout/")
    log_in(client, coordinator)
    for _ in range(5):
        client.post(AUTHENTICATE, {"code": wrong_code(secret)})
    refused = client.post(AUTHENTICATE, {"code": totp_code(secret, step=1)})
    assert refused.status_code == 200
    assert "Liian monta" in refused.content.decode()  # allauth's Finnish: too many attempts
    assert not logged_in_user(client).is_authenticated


def test_a_security_key_can_be_added_from_the_two_factor_page(client, required):
    coordinator = CoordinatorFactory()
    log_in(client, coordinator)
    confirm_password(client)
    page = client.get("/accounts/2fa/webauthn/add/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Lisää turva-avain" in content  # allauth's Finnish
    assert 'id="js_data"' in content  # the browser's WebAuthn request
    assert "/static/mfa/js/webauthn.js" in content


def test_removing_the_last_authenticator_sends_the_coordinator_back_to_set_one_up(client, required):
    coordinator = CoordinatorFactory()
    log_in(client, coordinator)
    activate_totp(client)
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=coordinator).exists()
    assert client.get("/coordinator/").url == MFA_INDEX


@pytest.mark.parametrize("role", ["expert", "unit_member"])
def test_experts_and_unit_members_are_never_asked(client, required, role):
    user = ExpertFactory().user if role == "expert" else MembershipFactory().user
    response = log_in(client, user)
    assert response.status_code == 302
    assert response.url != AUTHENTICATE
    home = client.get("/", follow=True)
    assert home.redirect_chain[-1][0] in ("/expert/", "/unit/")
    assert home.status_code == 200
    assert EXPLANATION not in home.content.decode()


# --- Not required: the demo -----------------------------------------------------------------


def test_without_the_requirement_a_coordinator_gets_in_without(client, not_required):
    coordinator = CoordinatorFactory()
    response = log_in(client, coordinator)
    assert (response.status_code, response.url) == (302, "/")
    assert client.get("/coordinator/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_in_the_demo_a_coordinator_sets_it_up_from_the_menu_and_is_then_asked(client, not_required):
    coordinator = CoordinatorFactory()
    log_in(client, coordinator)
    assert f'href="{MFA_INDEX}"' in client.get("/coordinator/").content.decode()
    activate_totp(client)
    client.post("/accounts/logout/")
    assert log_in(client, coordinator).url == AUTHENTICATE


# --- Secrets and settings ----------------------------------------------------------------------


def test_the_authenticator_secret_is_encrypted_at_rest(client, not_required):
    coordinator = CoordinatorFactory()
    log_in(client, coordinator)
    secret = activate_totp(client)
    stored = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.TOTP).data
    assert secret not in str(stored)
    assert crypto.decrypt(stored["secret"]) == secret
    seed = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.RECOVERY_CODES)
    assert crypto.is_current(seed.data["seed"])


def test_after_key_rotation_the_old_key_can_go_and_codes_still_work(client, settings, required):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = old
    crypto.reset_keys()
    try:
        coordinator = CoordinatorFactory()
        log_in(client, coordinator)
        secret = activate_totp(client)
        client.post("/accounts/logout/")

        settings.FIELD_ENCRYPTION_KEYS = f"{new},{old}"
        crypto.reset_keys()
        out = StringIO()
        call_command("rotate_field_keys", stdout=out)
        assert "mfa.Authenticator secrets: 2 re-encrypted" in out.getvalue()

        settings.FIELD_ENCRYPTION_KEYS = new
        crypto.reset_keys()
        log_in(client, coordinator)
        client.post(AUTHENTICATE, {"code": totp_code(secret, step=1)})
        assert logged_in_user(client) == coordinator
    finally:
        crypto.reset_keys()


_PRODUCTION = {
    "SECRET_KEY": "k9#Vq2!mZ7@pL4$wX8^nR1&tY6*uB3(eD5)hJ0_fG-sA+cQ=oI",
    "FIELD_ENCRYPTION_KEYS": "pVQ3yq7MRaqB2ac6mtxAd1wY5dfb0vA9kWMsEcYHbNk=",
    "FIELD_HASH_KEY": "7s0Kk2cE9yq1bA3W5dF8gH2jK4lM6nP8qR0tU2vX4zA=",
}
_PRINT_REQUIREMENT = [
    "-c",
    "from expertbank import settings; print(settings.MFA_REQUIRED_FOR_STAFF)",
]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "False"),
        ({"DEBUG": "false", **_PRODUCTION}, "True"),
        ({"DEBUG": "false", "MFA_REQUIRED_FOR_STAFF": "false", **_PRODUCTION}, "False"),
        ({"MFA_REQUIRED_FOR_STAFF": "true"}, "True"),
    ],
    ids=["demo", "production", "production-off", "demo-on"],
)
def test_the_requirement_is_on_whenever_debug_is_off_unless_set(env, expected):
    result = _run(_PRINT_REQUIREMENT, **{"MFA_REQUIRED_FOR_STAFF": "", **env})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_a_bad_requirement_value_stops_start_up_and_names_it():
    result = _run(_PRINT_REQUIREMENT, MFA_REQUIRED_FOR_STAFF="maybe")
    assert result.returncode != 0
    assert "MFA_REQUIRED_FOR_STAFF must be true or false" in result.stderr
