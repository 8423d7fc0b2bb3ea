"""A person verifies their own phone number (issue 17): the bank texts a six-digit code, kept
only hashed, valid ten minutes and five tries, used once; a changed number is no longer
verified; an answer by text message counts only from a verified number."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from bookings.models import Assignment
from expertbank import sms
from expertbank.models import Message, PhoneVerification, User
from expertbank.services.erasure import user_erase
from expertbank.services.phone_verification import (
    MAX_TRIES,
    PhoneVerificationError,
    phone_code_check,
    phone_code_send,
)
from experts.services import expert_profile_update
from tests.bookings.factories import bookable_expert, offer, request_booking
from tests.factories import CoordinatorFactory, UserFactory
from tests.permissions import assert_access

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

ANNA = "+358401234567"
PAGE = reverse("notification_preferences")


@pytest.fixture
def anna():
    return UserFactory(phone=ANNA, language="en")


def _code_sent_to(user: User) -> str:
    """The code in the newest verification text to ``user`` (as the phone shows it)."""
    row = Message.objects.filter(kind="phone_verification", recipient=user).latest("pk")
    assert (row.channel, row.to) == ("sms", user.phone)
    return re.search(r"\b(\d{6})\b", row.body).group(1)


def _post(client, user, **data):
    client.force_login(user)
    return client.post(PAGE, data)


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_send_a_code_then_type_it_and_the_number_is_verified(client, anna):
    client.force_login(anna)
    assert b"not verified" in client.get(PAGE).content
    response = _post(client, anna, phone_action="send")
    assert response.status_code == 302 and response.url.endswith("#phone")
    code = _code_sent_to(anna)
    row = PhoneVerification.objects.get(user=anna)
    # Kept only as a keyed hash bound to the person and the number.
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.expires_at - row.created_at == timedelta(minutes=10)
    assert b"The code from the text message" in client.get(PAGE).content
    response = _post(client, anna, phone_action="verify", code=f"{code[:3]} {code[3:]}")
    assert "Your phone number is verified." in _said(response)
    anna.refresh_from_db()
    assert anna.phone_verified_at is not None
    row.refresh_from_db()
    assert row.used_at is not None
    # The message log no longer holds a usable code.
    assert code not in Message.objects.get(kind="phone_verification").body
    assert b"Send a code" not in client.get(PAGE).content


def test_the_text_goes_through_the_sms_backend_in_the_persons_language(
    anna, django_capture_on_commit_callbacks
):
    anna.language = "sv"
    anna.save()
    with django_capture_on_commit_callbacks(execute=True):
        phone_code_send(user=anna)
    ((to, text),) = sms.outbox
    assert to == ANNA and _code_sent_to(anna) in text
    with translation.override("sv"):
        assert Message.objects.get(kind="phone_verification").language == "sv"


def test_a_wrong_code_is_refused_and_counts_a_try(client, anna):
    phone_code_send(user=anna)
    code = _code_sent_to(anna)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = _post(client, anna, phone_action="verify", code=wrong)
    assert "The code is not right. Check it and try again." in _said(response)
    anna.refresh_from_db()
    assert anna.phone_verified_at is None
    assert PhoneVerification.objects.get(user=anna).tries == 1
    # Not six digits: told so, and no try is used.
    response = _post(client, anna, phone_action="verify", code="12ab")
    assert "Enter the six digits of the code we texted you." in _said(response)
    assert PhoneVerification.objects.get(user=anna).tries == 1


def test_an_expired_code_is_refused(anna):
    phone_code_send(user=anna)
    code = _code_sent_to(anna)
    PhoneVerification.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(PhoneVerificationError, match="The code has expired"):
        phone_code_check(user=anna, code=code)
    anna.refresh_from_db()
    assert anna.phone_verified_at is None


def test_after_five_wrong_tries_even_the_right_code_is_refused(anna):
    phone_code_send(user=anna)
    code = _code_sent_to(anna)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(MAX_TRIES):
        with pytest.raises(PhoneVerificationError):
            phone_code_check(user=anna, code=wrong)
    with pytest.raises(PhoneVerificationError, match="tried too many times"):
        phone_code_check(user=anna, code=code)
    anna.refresh_from_db()
    assert anna.phone_verified_at is None
    # A new code starts afresh.
    phone_code_send(user=anna)
    phone_code_check(user=anna, code=_code_sent_to(anna))
    anna.refresh_from_db()
    assert anna.phone_verified_at is not None


def test_a_code_works_once(anna):
    phone_code_send(user=anna)
    code = _code_sent_to(anna)
    phone_code_check(user=anna, code=code)
    # The number changes and comes back: no longer verified, and the old code does not do.
    anna.phone = "+358409999999"
    anna.save()
    anna.phone = ANNA
    anna.save()
    assert anna.phone_verified_at is None
    with pytest.raises(PhoneVerificationError, match="This code is not valid"):
        phone_code_check(user=anna, code=code)
    anna.refresh_from_db()
    assert anna.phone_verified_at is None


def test_only_the_newest_code_counts(anna):
    phone_code_send(user=anna)
    first = _code_sent_to(anna)
    phone_code_send(user=anna)
    second = _code_sent_to(anna)
    if first != second:
        with pytest.raises(PhoneVerificationError):
            phone_code_check(user=anna, code=first)
    phone_code_check(user=anna, code=second)
    anna.refresh_from_db()
    assert anna.phone_verified_at is not None


def test_another_persons_code_verifies_nobody(client, anna):
    bert = UserFactory(phone="+358405555555", language="en")
    phone_code_send(user=anna)
    phone_code_send(user=bert)
    annas = _code_sent_to(anna)
    while annas == _code_sent_to(bert):  # one in a million: Bert asks for another
        PhoneVerification.objects.filter(user=bert).delete()
        phone_code_send(user=bert)
    response = _post(client, bert, phone_action="verify", code=annas)
    assert "The code is not right. Check it and try again." in _said(response)
    anna.refresh_from_db()
    bert.refresh_from_db()
    assert (anna.phone_verified_at, bert.phone_verified_at) == (None, None)
    assert PhoneVerification.objects.get(user=anna).tries == 0


def test_a_code_for_the_old_number_does_not_verify_the_new_one(anna):
    phone_code_send(user=anna)
    code = _code_sent_to(anna)
    anna.phone = "+358409999999"
    anna.save()
    with pytest.raises(PhoneVerificationError, match="Your number changed"):
        phone_code_check(user=anna, code=code)
    anna.refresh_from_db()
    assert anna.phone_verified_at is None


def test_changing_the_number_clears_the_verification_wherever_it_is_changed(coordinator):
    expert = bookable_expert(user=UserFactory(phone=ANNA, phone_verified_at=timezone.now()))
    # The expert's own profile (a save of the phone field only).
    expert_profile_update(expert=expert, by=expert.user, phone="+358409999999")
    expert.user.refresh_from_db()
    assert (expert.user.phone, expert.user.phone_verified_at) == ("+358409999999", None)
    # Another field saved: the verification stays.
    User.objects.filter(pk=expert.user.pk).update(phone_verified_at=timezone.now())
    expert_profile_update(expert=expert, by=expert.user, phone="+358409999999", bio="Hei")
    expert.user.refresh_from_db()
    assert expert.user.phone_verified_at is not None
    # The admin (a whole save).
    user = User.objects.get(pk=expert.user.pk)
    user.phone = "040 123 4567"
    user.full_clean()
    user.save()
    user.refresh_from_db()
    assert (user.phone, user.phone_verified_at) == (ANNA, None)


def test_a_number_entered_again_in_another_form_stays_verified(anna):
    User.objects.filter(pk=anna.pk).update(phone_verified_at=timezone.now())
    anna = User.objects.get(pk=anna.pk)
    anna.phone = "040 123 4567"
    anna.full_clean()
    anna.save()
    anna.refresh_from_db()
    assert anna.phone_verified_at is not None


def test_sending_needs_a_number_and_is_limited(client, anna):
    nobody = UserFactory(phone="")
    response = _post(client, nobody, phone_action="send")
    assert "Add your phone number to your profile first" in _said(response)[0]
    assert not PhoneVerification.objects.filter(user=nobody).exists()
    for _ in range(3):
        _post(client, anna, phone_action="send")
    response = _post(client, anna, phone_action="send")
    assert "You have asked for several codes just now" in _said(response)[-1]
    assert PhoneVerification.objects.filter(user=anna).count() == 3
    assert Message.objects.filter(kind="phone_verification").count() == 3


def test_one_address_may_not_ask_for_codes_for_many_people(client):
    people = [UserFactory(phone=f"+35840555{index:04d}", language="en") for index in range(11)]
    for person in people[:10]:
        _post(client, person, phone_action="send")
    response = _post(client, people[10], phone_action="send")
    assert "You have asked for several codes just now" in _said(response)[-1]
    assert not PhoneVerification.objects.filter(user=people[10]).exists()


def test_login_and_csrf_are_required(anna):
    anonymous = Client()
    response = anonymous.post(PAGE, {"phone_action": "send"})
    assert response.status_code == 302 and "login" in response.url
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(anna)
    assert guarded.post(PAGE, {"phone_action": "send"}).status_code == 403
    assert not PhoneVerification.objects.exists()


def test_an_answer_from_an_unverified_number_is_refused_with_how_to_verify(coordinator):
    expert = bookable_expert(user=UserFactory(phone=ANNA, language="sv"))
    (assignment,) = offer(request_booking(), [expert], by=coordinator)
    reply = sms.get_sms_backend().receive(sender=ANNA, text=f"JA {assignment.sms_code}")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.OFFERED
    row = Message.objects.get(kind="sms_reply")
    assert (row.to, row.recipient, row.language) == (ANNA, expert.user, "sv")
    with translation.override("sv"):
        expected = translation.gettext(
            "Experience expert bank: your phone number is not verified yet, so the answer was "
            "not recorded. Verify it on your profile: %(url)s"
        ) % {"url": "X"}
    assert reply.startswith(expected[:-1]) and reply.endswith(PAGE + "#phone")
    # Verified, the same answer counts.
    User.objects.filter(pk=expert.user.pk).update(phone_verified_at=timezone.now())
    sms.get_sms_backend().receive(sender=ANNA, text=f"JA {assignment.sms_code}")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED


def test_erasure_leaves_no_number_and_no_code(anna):
    phone_code_send(user=anna)
    phone_code_check(user=anna, code=_code_sent_to(anna))
    user_erase(user=User.objects.get(pk=anna.pk), name="Erased", email="erased-1@invalid")
    anna.refresh_from_db()
    assert (anna.phone, anna.phone_verified_at) == ("", None)
    assert not PhoneVerification.objects.filter(user=anna).exists()


def test_a_coordinator_changing_the_number_in_the_admin_clears_the_verification(client):
    coordinator = CoordinatorFactory()
    person = UserFactory(phone=ANNA, phone_verified_at=timezone.now(), language="fi")
    url = f"/admin/expertbank/user/{person.pk}/change/"
    page = assert_access(client, url, 200, user=coordinator).content.decode()
    # The admin shows the verification, and it is not a field anyone types.
    assert 'name="phone_verified_at"' not in page
    data = {
        "full_name": person.full_name,
        "phone": "040 999 9999",
        "language": "fi",
        "is_active": "on",
    }
    assert_access(client, url, 302, user=coordinator, method="post", data=data)
    person.refresh_from_db()
    assert (person.phone, person.phone_verified_at) == ("+358409999999", None)
