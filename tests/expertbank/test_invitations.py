import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from expertbank.models import Invitation, User
from expertbank.roles import Role, user_roles
from expertbank.services.invitations import (
    InvitationError,
    invitation_create,
    invitation_token,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kesäpäivä-2026!"


def _link_path(message) -> str:
    url = re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_a_coordinator_invites_by_email_in_the_persons_language(client, coordinator, run_on_commit):
    client.force_login(coordinator)
    with run_on_commit():
        response = client.post(
            reverse("invitation_list"),
            {"email": "Uusi.Henkilo@Example.com", "full_name": "Uusi Henkilö", "language": "en"},
        )
    assert response.status_code == 302
    user = User.objects.get(email="uusi.henkilo@example.com")
    assert not user.has_usable_password()
    assert user.language == "en"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your invitation to the experience expert bank"


def test_the_link_sets_a_password_and_logs_in_with_a_verified_address(client, run_on_commit):
    with run_on_commit():
        invitation_create(email="a@example.com", invited_by=None, full_name="A Person")
    path = _link_path(mail.outbox[0])
    page = client.get(path)
    assert page.status_code == 200
    assert not Invitation.objects.get().accepted_at  # GET changes nothing
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="a@example.com")
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("home")).wsgi_request.user == user


def test_the_link_works_once(client):
    invitation = invitation_create(email="b@example.com", invited_by=None)
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.logout()
    again = client.post(path, {"new_password1": "Toinen-Salasana-99", "new_password2": "x"})
    assert again.status_code == 400
    assert "on jo käytetty" in again.content.decode()
    assert User.objects.get(email="b@example.com").check_password(NEW_PASSWORD)


def test_an_expired_link_is_refused(client):
    invitation = invitation_create(email="c@example.com", invited_by=None)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(reverse("invitation_accept", args=[invitation_token(invitation)]))
    assert response.status_code == 400
    assert "vanhentunut" in response.content.decode()


def test_a_tampered_link_is_refused(client):
    invitation = invitation_create(email="d@example.com", invited_by=None)
    token = invitation_token(invitation)
    response = client.get(reverse("invitation_accept", args=[token[:-3] + "abc"]))
    assert response.status_code == 400
    assert "ei ole kelvollinen" in response.content.decode()


def test_a_new_invitation_replaces_the_old_link(client):
    first = invitation_create(email="e@example.com", invited_by=None)
    invitation_create(email="e@example.com", invited_by=None)
    response = client.get(reverse("invitation_accept", args=[invitation_token(first)]))
    assert response.status_code == 400
    assert "uudempi" in response.content.decode()


def test_a_weak_password_is_refused_and_changes_nothing(client):
    invitation = invitation_create(email="f@example.com", invited_by=None)
    before = (
        Invitation.objects.filter(pk=invitation.pk).values().get(),
        User.objects.filter(pk=invitation.user_id).values().get(),
        User.objects.count(),
    )
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    response = client.post(path, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert response.context["form"].errors
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not invitation.user.has_usable_password()
    assert (
        Invitation.objects.filter(pk=invitation.pk).values().get(),
        User.objects.filter(pk=invitation.user_id).values().get(),
        User.objects.count(),
    ) == before


def test_a_person_with_an_account_is_not_invited_again(client, coordinator):
    UserFactory(email="old@example.com")
    client.force_login(coordinator)
    response = client.post(
        reverse("invitation_list"),
        {"email": "old@example.com", "full_name": "Old", "language": "fi"},
    )
    assert response.status_code == 200
    assert "on jo tunnus" in str(response.context["form"].errors)
    assert not Invitation.objects.exists()
    with pytest.raises(InvitationError):
        invitation_create(email="OLD@example.com", invited_by=coordinator)


def test_an_invitation_can_grant_the_trainer_role(client, coordinator):
    client.force_login(coordinator)
    client.post(
        reverse("invitation_list"),
        {"email": "t@example.com", "full_name": "T", "language": "fi", "role": "trainer"},
    )
    assert user_roles(User.objects.get(email="t@example.com")) == {Role.TRAINER}


@pytest.mark.parametrize("who", ["anonymous", "expert", "unit_member"])
def test_only_coordinators_may_invite(client, who, request):
    if who != "anonymous":
        client.force_login(
            request.getfixturevalue(who).user if who == "expert" else request.getfixturevalue(who)
        )
    response = client.post(
        reverse("invitation_list"), {"email": "x@example.com", "full_name": "X", "language": "fi"}
    )
    assert response.status_code in (302, 403)
    assert not User.objects.filter(email="x@example.com").exists()


def test_the_invitation_list_has_constant_queries(
    client, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    invitation_create(email="one@example.com", invited_by=coordinator)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("invitation_list"))
    for n in range(49):
        invitation_create(email=f"many{n}@example.com", invited_by=coordinator)
    with django_assert_max_num_queries(12) as fifty:
        client.get(reverse("invitation_list"))
    assert len(fifty.captured_queries) == len(one.captured_queries)
