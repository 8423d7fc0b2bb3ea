"""Phone numbers are checked and stored in one form wherever they are entered."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from expertbank.phones import PhoneField, phone_display, phone_normalise


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("040 123 4567", "+358401234567"),
        ("+358 40 123 4567", "+358401234567"),
        ("00358401234567", "+358401234567"),
        ("09 123 4567", "+35891234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("", ""),
    ],
)
def test_numbers_are_normalised(entered, stored):
    assert phone_normalise(entered) == stored


@pytest.mark.parametrize("entered", ["040", "12345", "phone me", "+358 40 123 4567 890 12"])
def test_a_number_that_is_not_one_is_refused_with_a_clear_error(entered, english):
    with pytest.raises(ValidationError) as caught:
        PhoneField(required=False).clean(entered)
    assert "Enter a valid phone number" in caught.value.messages[0]


def test_numbers_are_shown_as_people_write_them():
    assert phone_display("+358401234567") == "040 1234567"
    assert phone_display("+46701234567").startswith("+46 70")


@pytest.mark.django_db
def test_the_expert_profile_refuses_a_bad_number_and_changes_nothing(client, expert, english_pages):
    expert.user.phone = "+358401234567"
    expert.user.save()
    client.force_login(expert.user)
    response = client.post(reverse("experts:profile"), {"phone": "040", "shown_as": "alias"})
    assert response.status_code == 200
    assert "Enter a valid phone number" in response.content.decode()
    expert.user.refresh_from_db()
    assert expert.user.phone == "+358401234567"


@pytest.mark.django_db
def test_the_user_model_checks_and_normalises_the_phone(user):
    user.phone = "0401234567"
    user.full_clean()
    assert user.phone == "+358401234567"
    user.phone = "nonsense"
    with pytest.raises(ValidationError):
        user.full_clean()
