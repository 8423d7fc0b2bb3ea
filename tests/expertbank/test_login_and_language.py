import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, ExpertFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_logs_in_with_email_and_password(client):
    user = ExpertFactory(user__email="anna@example.com").user
    response = client.post(
        reverse("account_login"), {"login": "ANNA@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == user


def test_a_wrong_password_gives_a_translated_error(client):
    UserFactory(email="anna@example.com")
    response = client.post(reverse("account_login"), {"login": "anna@example.com", "password": "x"})
    assert response.status_code == 200
    assert "Annettu sähköposti tai salasana ei ole oikein." in response.content.decode()


def test_repeated_failed_logins_are_rate_limited(client):
    UserFactory(email="anna@example.com")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "anna@example.com", "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": "anna@example.com", "password": "wrong"}
    )
    assert "Liian monta virheellistä kirjautumisyritystä" in response.content.decode()
    # Even the right password is refused while the limit holds.
    response = client.post(
        reverse("account_login"), {"login": "anna@example.com", "password": PASSWORD}
    )
    assert response.status_code != 302


def test_there_is_no_open_signup(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "Pitk4-salasana!",
            "password2": "Pitk4-salasana!",
        },
    )
    assert response.status_code == 200
    from expertbank.models import User

    assert not User.objects.filter(email="new@example.com").exists()


def test_password_reset_sends_a_mail(client):
    UserFactory(email="anna@example.com", language="fi")
    response = client.post(reverse("account_reset_password"), {"email": "anna@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "anna@example.com" in mail.outbox[0].to


def test_an_unverified_address_cannot_log_in(client):
    UserFactory(email="anna@example.com", verified=False)
    response = client.post(
        reverse("account_login"), {"login": "anna@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not client.get("/").wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    ("code", "word"), [("fi", "Kirjaudu sisään"), ("sv", "Logga in"), ("en", "Log in")]
)
def test_anonymous_visitors_switch_language(client, code, word):
    response = client.post(reverse("set_language"), {"language": code, "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == code
    page = client.get("/").content.decode()
    assert f'<html lang="{code}">' in page
    assert word in page


def test_the_default_language_is_finnish(client):
    page = client.get("/").content.decode()
    assert '<html lang="fi">' in page


def test_a_logged_in_users_choice_is_stored_and_follows_them(client):
    user = ExpertFactory().user
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "sv", "next": "/expert/"})
    user.refresh_from_db()
    assert user.language == "sv"
    fresh = type(client)()
    fresh.force_login(user)
    assert '<html lang="sv">' in fresh.get("/expert/").content.decode()


def test_an_unknown_language_changes_nothing(client):
    user = ExpertFactory().user
    before = type(user).objects.filter(pk=user.pk).values().get()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/expert/"})
    user.refresh_from_db()
    assert user.language == "fi"
    after = type(user).objects.filter(pk=user.pk).values().get()
    assert {**after, "last_login": None} == {**before, "last_login": None}  # logging in sets it


def test_the_language_switch_needs_post(client):
    assert client.get(reverse("set_language")).status_code == 405


def test_pages_carry_a_skip_link_and_a_main_landmark(client):
    page = client.get("/").content.decode()
    assert 'href="#main"' in page
    assert '<main id="main"' in page
