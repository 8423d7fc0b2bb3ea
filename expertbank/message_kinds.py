"""Every kind of message the bank sends: its category, whether it is essential, whether it has
an SMS text.

``message_send(kind=...)`` looks the kind up here and in the recipient's
``NotificationPreference`` for the kind's category. An *essential* kind (offers, changes,
cancellations, account and invitation messages) always goes at least by e-mail, whatever the
person chose; an optional one goes by the channels chosen for its category (e-mail, SMS, both or
none). A kind without an SMS text goes by e-mail when SMS was chosen. A kind missing from this
registry is treated as essential e-mail.

To add a kind: add its templates under ``templates/notifications/<kind>/`` (``subject.txt``,
``body.txt``, optionally ``body.html`` and ``sms.txt``) and one line to ``KINDS``
(``tests/expertbank/test_message_kinds.py`` checks every template folder has a line). Kept as
plain dicts so additions merge easily.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The categories a person chooses channels for, in the order the settings page shows them.
# ``default`` is the channel when the person has not chosen: "email", "sms", "both" or "none".
# ``roles`` are the roles (``expertbank.roles.Role`` values) whose settings page shows it.
E, U, C, T = "expert", "unit_member", "coordinator", "trainer"
CATEGORIES: dict[str, dict] = {
    "account": {
        "label": _("Your account and invitations"),
        "default": "email",
        "roles": [E, U, C, T],
    },
    "bookings": {
        "label": _("Offers, confirmations, changes and cancellations"),
        "default": "email",
        "roles": [E, U, C],
    },
    "gig_reminders": {"label": _("Reminders before a gig"), "default": "email", "roles": [E, U]},
    "report_reminders": {"label": _("Report reminders"), "default": "email", "roles": [E]},
    "training": {"label": _("Training and supervision"), "default": "email", "roles": [E, T]},
    "fees": {"label": _("Fee statements and payments"), "default": "email", "roles": [E]},
    "documents": {"label": _("Documents about to expire"), "default": "email", "roles": [E]},
    "feedback": {"label": _("Feedback requests"), "default": "email", "roles": [E, U]},
    "invoices": {"label": _("Invoices"), "default": "email", "roles": [U]},
    "digest": {"label": _("Daily digest"), "default": "email", "roles": [C]},
    "urgent": {"label": _("Urgent notices"), "default": "email", "roles": [C]},
}

# kind -> {"category": ..., "essential": bool, "sms": bool (has an sms.txt)}
KINDS: dict[str, dict] = {
    # Account and invitations (essential)
    "invitation": {"category": "account", "essential": True, "sms": True},
    "consent_request": {"category": "account", "essential": True, "sms": True},
    # The answer to an inbound text message (issue 17; always sent with channel="sms")
    "sms_reply": {"category": "account", "essential": True, "sms": True},
    # The code that verifies a person's own phone number (issue 17; always channel="sms")
    "phone_verification": {"category": "account", "essential": True, "sms": True},
    # Bookings: offers, confirmations, changes, cancellations (essential)
    "booking_offer": {"category": "bookings", "essential": True, "sms": True},
    "booking_offer_closed": {"category": "bookings", "essential": True, "sms": False},
    "booking_received": {"category": "bookings", "essential": True, "sms": False},
    "booking_rejected": {"category": "bookings", "essential": True, "sms": False},
    "booking_confirmed_expert": {"category": "bookings", "essential": True, "sms": False},
    "booking_confirmed_unit": {"category": "bookings", "essential": True, "sms": False},
    "booking_experts_changed": {"category": "bookings", "essential": True, "sms": False},
    "booking_cancelled_expert": {"category": "bookings", "essential": True, "sms": False},
    "booking_cancelled_unit": {"category": "bookings", "essential": True, "sms": False},
    "booking_rescheduled_expert": {"category": "bookings", "essential": True, "sms": False},
    "booking_rescheduled_unit": {"category": "bookings", "essential": True, "sms": False},
    "booking_released": {"category": "bookings", "essential": True, "sms": False},
    "booking_cover_none_unit": {"category": "bookings", "essential": True, "sms": False},
    "booking_consent_withdrawn": {"category": "bookings", "essential": True, "sms": False},
    "booking_member_added": {"category": "bookings", "essential": True, "sms": False},
    "report_returned": {"category": "bookings", "essential": True, "sms": False},
    "offer_expiring": {"category": "bookings", "essential": True, "sms": True},
    # Reminders before a gig
    "gig_reminder_48h": {"category": "gig_reminders", "essential": False, "sms": True},
    "gig_reminder_2h": {"category": "gig_reminders", "essential": False, "sms": True},
    "unit_reminder_48h": {"category": "gig_reminders", "essential": False, "sms": True},
    # Report reminders
    "report_reminder": {"category": "report_reminders", "essential": False, "sms": False},
    # Training and supervision
    "training_application_received": {"category": "training", "essential": True, "sms": False},
    "training_application_accepted": {"category": "training", "essential": True, "sms": False},
    "training_application_rejected": {"category": "training", "essential": True, "sms": False},
    "training_certificate_ready": {"category": "training", "essential": False, "sms": False},
    "training_session_tomorrow": {"category": "training", "essential": False, "sms": True},
    "supervision_session": {"category": "training", "essential": False, "sms": True},
    "trainer_session_tomorrow": {"category": "training", "essential": False, "sms": True},
    # Fee statements and payments
    "fee_statement_ready": {"category": "fees", "essential": False, "sms": False},
    "fee_paid": {"category": "fees", "essential": False, "sms": False},
    # Documents about to expire
    "document_expiring": {"category": "documents", "essential": False, "sms": True},
    # Feedback
    "feedback_request": {"category": "feedback", "essential": False, "sms": False},
    "feedback_released": {"category": "feedback", "essential": False, "sms": False},
    "impact_question": {"category": "feedback", "essential": False, "sms": False},
    # Invoices (a payment reminder is a demand: essential)
    "invoice_issued": {"category": "invoices", "essential": False, "sms": False},
    "invoice_reminder": {"category": "invoices", "essential": True, "sms": False},
    # Coordinators
    "coordinator_digest": {"category": "digest", "essential": False, "sms": False},
    "coordinator_urgent": {"category": "urgent", "essential": True, "sms": True},
    # An expert withdrew from a gig further than 36 h away: told at once all the same (issue 17)
    "coordinator_withdrawn": {"category": "urgent", "essential": True, "sms": True},
    "checkin_debrief": {"category": "urgent", "essential": True, "sms": False},
    "coordinator_cover_none": {"category": "urgent", "essential": True, "sms": True},
}

UNKNOWN_KIND = {"category": "", "essential": True, "sms": False}

CHANNEL_CHOICES = ("email", "sms", "both", "none")


def kind_info(kind: str) -> dict:
    """The registry entry of ``kind``; an unknown kind is essential e-mail."""
    return KINDS.get(kind, UNKNOWN_KIND)


def category_is_essential(category: str) -> bool:
    """A category every kind of which is essential: the person can't switch it off."""
    kinds = [info for info in KINDS.values() if info["category"] == category]
    return bool(kinds) and all(info["essential"] for info in kinds)


def category_has_sms(category: str) -> bool:
    """Whether some kind of the category has an SMS text."""
    return any(info["sms"] for info in KINDS.values() if info["category"] == category)


def category_choices(category: str) -> list[str]:
    """The channels a person may choose for ``category``: never "none" or "sms" alone where
    every kind is essential (e-mail always goes), never SMS where no kind has an SMS text."""
    essential = category_is_essential(category)
    sms = category_has_sms(category)
    if essential:
        return ["email", "both"] if sms else ["email"]
    return ["email", "sms", "both", "none"] if sms else ["email", "none"]
