"""Answers by text message (issue 17): one inbound text, read and answered.

``sms_receive(*, sender, text, message_id)`` finds the person by their own number (normalised to
E.164 with ``phonenumbers``, as every stored phone is; a number two active accounts share answers
for nobody), reads the text and answers it by SMS through ``message_send`` (kind ``sms_reply``,
``channel="sms"``, key ``sms-reply:<message id>``: a provider's retry of the same message finds
the row and changes nothing again).

- ``KYLLÄ 4821`` / ``JA 4821`` / ``YES 4821`` (or ``EI`` / ``NEJ`` / ``NO``) go to the handlers
  the domain apps registered (``expertbank.sms.inbound_handlers``): the bookings app answers an
  offer's or a gig's code as if the expert had clicked.
- ``STOP`` (``STOPP``, ``LOPETA``) sets every optional category the person has to "none";
  essential messages still come by e-mail.
- An answer counts only from the person's own *verified* number (``User.phone_verified_at``,
  ``expertbank.services.phone_verification``): an unverified number gets a reply that tells
  how to verify it, and nothing is recorded. STOP is honoured from it too.
- Anything else, or a number the bank does not know, gets a helpful reply.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from expertbank.message_kinds import CATEGORIES, category_choices
from expertbank.models import Message, User
from expertbank.phones import phone_normalise
from expertbank.services.notifications import message_send, notification_preferences_set
from expertbank.sms import inbound_handlers

ANSWERS = {
    "KYLLÄ": "yes",
    "KYLLA": "yes",
    "JA": "yes",
    "YES": "yes",
    "EI": "no",
    "NEJ": "no",
    "NO": "no",
}
STOP_WORDS = {"STOP", "STOPP", "LOPETA"}
_ANSWER = re.compile(r"^\s*(\S+)\s+(\d{4,8})\s*[.!]?\s*$")


def sms_parse(text: str) -> tuple[str, str]:
    """("yes" | "no", code), ("stop", ""), or ("", "") for anything else."""
    words = (text or "").strip().upper()
    if words.rstrip(".!") in STOP_WORDS:
        return "stop", ""
    found = _ANSWER.match(words)
    if found and found.group(1) in ANSWERS:
        return ANSWERS[found.group(1)], found.group(2)
    return "", ""


def _stop(user: User) -> str:
    optional = {
        category: "none"
        for category in CATEGORIES
        if "none" in category_choices(category) and category != "account"
    }
    notification_preferences_set(user=user, choices=optional)
    return _(
        "You will get no more optional messages from the Experience expert bank. Offers, "
        "changes and other essential messages still come by e-mail. Change this: %(url)s"
    ) % {"url": settings.SITE_URL + reverse("notification_preferences")}


def _help() -> str:
    return _(
        "Experience expert bank: to answer, reply YES or NO and the code of the message, e.g. "
        "YES 4821. STOP ends optional messages. Your gigs: %(url)s"
    ) % {"url": settings.SITE_URL + reverse("bookings_expert:home")}


def _unverified() -> str:
    return _(
        "Experience expert bank: your phone number is not verified yet, so the answer was not "
        "recorded. Verify it on your profile: %(url)s"
    ) % {"url": settings.SITE_URL + reverse("notification_preferences") + "#phone"}


def _answer(user: User, answer: str, code: str) -> str:
    for handler in inbound_handlers:
        reply = handler(user=user, answer=answer, code=code)
        if reply is not None:
            return reply
    return _(
        "Experience expert bank: no open offer or gig of yours has the code %(code)s. Check the "
        "code, or answer on your gigs page: %(url)s"
    ) % {"code": code, "url": settings.SITE_URL + reverse("bookings_expert:home")}


def sms_receive(*, sender: str, text: str, message_id: str) -> str:
    """Read one inbound text and send the reply (once per ``message_id``); returns the reply
    ("" when the sender is not a phone number at all: nothing to answer)."""
    key = f"sms-reply:{message_id}"
    earlier = Message.objects.filter(key=key).first()
    if earlier is not None:
        return earlier.body
    try:
        number = phone_normalise(sender)
    except ValidationError:
        return ""
    if not number:
        return ""
    # The number answers for one person only: a number two accounts share proves nobody.
    owners = list(User.objects.filter(phone=number, is_active=True).order_by("pk")[:2])
    user = owners[0] if len(owners) == 1 else None
    language = user.language if user is not None else settings.LANGUAGE_CODE
    with translation.override(language):
        if len(owners) > 1:
            reply = _(
                "Experience expert bank: this number belongs to more than one person in the "
                "bank, so the answer was not recorded. Answer on the bank's pages, or ask the "
                "coordinator to correct the numbers."
            )
        elif user is None:
            reply = _(
                "Experience expert bank: this number is not in the bank, so the answer was not "
                "recorded. Answer on the bank's pages, or ask the coordinator to add your number."
            )
        else:
            verb, code = sms_parse(text)
            if verb == "stop":
                # STOP only quietens: honoured from a number not yet verified too, so that a
                # stranger whose number was typed by mistake can end the texts.
                reply = _stop(user)
            elif user.phone_verified_at is None:
                # An answer counts only from the person's own verified number (issue 17).
                reply = _unverified()
            elif verb:
                reply = _answer(user, verb, code)
            else:
                reply = _help()
    message_send(
        kind="sms_reply",
        key=key,
        to_user=user,
        to=number,
        channel="sms",
        language=language,
        context={"text": reply, "received": text[:160]},
    )
    return reply
