import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from bookings.models import Membership, Organisation
from expertbank.demo import DEMO_PASSWORD
from expertbank.models import User
from expertbank.roles import Role, user_roles
from experts.models import Expert


def _readme_logins() -> list[tuple[str, str, str]]:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    return re.findall(r"^\| ([^|]+?) \| `([^`]+@[^`]+)` \| `([^`]+)` \|", readme, re.MULTILINE)


def test_it_creates_the_demo_people():
    roles = [user_roles(user) for user in User.objects.all()]
    assert sum(Role.COORDINATOR in r for r in roles) >= 1
    assert sum(Role.TRAINER in r for r in roles) >= 1
    assert Organisation.objects.count() >= 2
    assert Membership.objects.values("unit__organisation").distinct().count() >= 2
    assert Expert.objects.count() >= 3


def test_the_readme_lists_every_demo_login_and_each_one_works(client):
    logins = _readme_logins()
    assert len(logins) >= 7
    for _role, email, password in logins:
        assert password == DEMO_PASSWORD
        client.logout()
        response = client.post(reverse("account_login"), {"login": email, "password": password})
        assert response.status_code == 302, email
        start = client.get("/", follow=True)
        assert start.status_code == 200
        assert User.objects.get(email=email).get_short_name() in start.content.decode()
