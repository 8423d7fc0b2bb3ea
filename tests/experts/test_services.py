"""The pool's rules, through its services and querysets."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from expertbank.models import AuditEntry, Invitation, Message
from expertbank.services.audit import audit_history
from experts.models import (
    AvailabilitySlot,
    BookerKind,
    ConsentRecord,
    Expert,
    ExpertDocument,
    PrivacyNotice,
    TaxCard,
)
from experts.selectors import documents_expiring
from experts.services import (
    ExpertError,
    availability_limits_set,
    blackout_add,
    consent_give,
    consent_requests_send,
    consent_withdraw,
    disclosure_set,
    document_delete,
    document_record,
    expert_create,
    expert_is_bookable,
    expert_profile_update,
    expert_update,
    slot_add,
    tax_card_delete,
    tax_card_end,
    tax_card_record,
)
from tests.experts.factories import (
    GOOD_CODES,
    GOOD_IBANS,
    BlackoutFactory,
    DocumentFactory,
    SlotFactory,
    area,
    bookable_expert,
    current_notice,
)
from tests.factories import ExpertFactory, UserFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


# --- Creating and changing ---------------------------------------------------------------


def test_creating_an_expert_makes_the_account_and_sends_an_invitation(coordinator, run_on_commit):
    with run_on_commit():
        expert = expert_create(
            email=" Liisa.Aalto@Example.com ",
            full_name="Liisa Aalto",
            by=coordinator,
            identity_code=GOOD_CODES[0],
            areas=[area()],
        )
    assert expert.user.email == "liisa.aalto@example.com"
    assert list(expert.areas.all()) == [area()]
    assert Invitation.objects.filter(user=expert.user).count() == 1
    assert Message.objects.filter(recipient=expert.user, kind="invitation").count() == 1


def test_a_second_expert_with_the_same_identity_code_is_refused(coordinator):
    expert_update(expert=ExpertFactory(), by=None, identity_code=GOOD_CODES[0])
    with pytest.raises(ExpertError, match="already belongs to"):
        expert_create(
            email="other@example.com",
            full_name="Other",
            by=coordinator,
            identity_code=GOOD_CODES[0].lower(),
        )
    assert not Expert.objects.filter(user__email="other@example.com").exists()
    other = ExpertFactory()
    with pytest.raises(ExpertError, match="already belongs to"):
        expert_update(expert=other, by=coordinator, identity_code=GOOD_CODES[0])


def test_an_e_mail_already_in_use_is_refused(coordinator):
    UserFactory(email="taken@example.com")
    with pytest.raises(ExpertError, match="already has an account"):
        expert_create(email="TAKEN@example.com", full_name="X", by=coordinator)


def test_the_change_history_masks_sensitive_values(coordinator):
    expert = ExpertFactory()
    expert_update(
        expert=expert,
        by=coordinator,
        identity_code=GOOD_CODES[0],
        iban=GOOD_IBANS[0],
        notes="Secret story",
        municipality="Kerava",
        full_name="Uusi Nimi",
    )
    entry = audit_history(expert).first()
    text = str(entry.changes)
    assert entry.actor == coordinator
    assert entry.changes["identity_code"] == ["", "••••••-••8T"]
    assert entry.changes["iban"] == ["", "FI49 •••• •••• ••87 30"]
    assert entry.changes["municipality"] == ["Vantaa", "Kerava"]
    assert entry.changes["full_name"][1] == "Uusi Nimi"
    assert "131052" not in text and "Secret" not in text and "9420" not in text


def test_an_update_that_changes_nothing_writes_no_history():
    expert = ExpertFactory(municipality="Vantaa")
    expert_update(expert=expert, by=None, municipality="Vantaa")
    assert not AuditEntry.objects.exists()


def test_a_status_change_records_its_date():
    expert = ExpertFactory(status=Expert.Status.ACTIVE, status_since=today() - timedelta(days=99))
    expert = expert_update(expert=expert, by=None, status=Expert.Status.PAUSED)
    assert expert.status_since == today()


def test_an_expert_may_not_change_sensitive_fields_on_their_own():
    expert = ExpertFactory()
    with pytest.raises(ValueError, match="may not change"):
        expert_profile_update(expert=expert, by=expert.user, identity_code=GOOD_CODES[0])
    with pytest.raises(ValueError, match="may not change"):
        expert_profile_update(expert=expert, by=expert.user, status=Expert.Status.RETIRED)


def test_an_alias_must_exist_to_be_shown():
    expert = ExpertFactory(public_alias="")
    with pytest.raises(ExpertError, match="alias"):
        expert_profile_update(expert=expert, by=expert.user, shown_as=Expert.ShownAs.ALIAS)
    expert = expert_profile_update(
        expert=expert, by=expert.user, public_alias="Kettu", shown_as=Expert.ShownAs.ALIAS
    )
    assert expert.shown_name == "Kettu"


# --- Consent and disclosure ----------------------------------------------------------------


def test_withdrawing_consent_makes_an_expert_unbookable():
    expert = bookable_expert()
    assert expert_is_bookable(expert)
    assert consent_withdraw(expert=expert, by=expert.user) == 1
    assert not expert_is_bookable(expert)
    assert not Expert.objects.bookable().filter(pk=expert.pk).exists()
    consent_give(expert=expert, by=expert.user)
    assert expert_is_bookable(expert)


def test_consent_to_an_old_privacy_notice_does_not_count():
    expert = bookable_expert()
    PrivacyNotice.objects.create(version="2.0", published_on=today())
    assert not expert_is_bookable(expert)


def test_only_active_certified_experts_are_bookable():
    assert not expert_is_bookable(bookable_expert(status=Expert.Status.PAUSED))
    assert not expert_is_bookable(bookable_expert(status=Expert.Status.IN_TRAINING))
    assert not expert_is_bookable(bookable_expert(certified_on=None))


def test_consent_is_given_once_per_notice(coordinator):
    expert = ExpertFactory()
    first = consent_give(expert=expert, by=coordinator, on_paper=True)
    assert consent_give(expert=expert, by=expert.user) == first
    assert ConsentRecord.objects.filter(expert=expert).count() == 1
    assert first.on_paper and first.recorded_by == coordinator


def test_no_privacy_notice_means_no_consent():
    PrivacyNotice.objects.all().delete()
    with pytest.raises(ExpertError, match="no privacy notice"):
        consent_give(expert=ExpertFactory(), by=None)


def test_only_the_experts_own_areas_can_be_disclosed():
    expert = ExpertFactory()
    expert.areas.set([area("gambling")])
    disclosure_set(
        expert=expert,
        by=expert.user,
        pairs=[
            (area("gambling").pk, BookerKind.CITY),
            (area("youth").pk, BookerKind.CITY),
            (area("gambling").pk, "nonsense"),
        ],
    )
    assert list(expert.disclosures.values_list("area__slug", "booker_kind")) == [
        ("gambling", "city")
    ]


def test_consent_requests_go_once_per_notice_to_those_without_consent(run_on_commit):
    without = ExpertFactory(status=Expert.Status.ACTIVE)
    bookable_expert()
    ExpertFactory(status=Expert.Status.RETIRED)
    ExpertFactory(user__password=None)  # never logged in: the invitation comes first
    with run_on_commit():
        assert consent_requests_send() == 1
    message = Message.objects.get(kind="consent_request")
    assert message.recipient == without.user
    assert "/expert/privacy/" in message.body
    assert consent_requests_send() == 0


# --- Documents and tax cards ------------------------------------------------------------


def test_documents_cannot_expire_before_their_date_or_be_dated_in_the_future():
    expert = ExpertFactory()
    with pytest.raises(ExpertError, match="expire before"):
        document_record(
            expert=expert,
            by=None,
            kind=ExpertDocument.Kind.CRIMINAL_RECORD,
            dated=today(),
            valid_until=today() - timedelta(days=1),
        )
    with pytest.raises(ExpertError, match="future"):
        document_record(
            expert=expert,
            by=None,
            kind=ExpertDocument.Kind.AGREEMENT,
            dated=today() + timedelta(days=1),
        )
    assert not expert.documents.exists()


def test_expiring_documents_are_those_not_renewed_of_active_experts():
    soon = DocumentFactory(valid_until=today() + timedelta(days=20))
    expired = DocumentFactory(valid_until=today() - timedelta(days=3))
    DocumentFactory(valid_until=today() + timedelta(days=200))  # far away
    renewed = DocumentFactory(valid_until=today() - timedelta(days=40))
    DocumentFactory(expert=renewed.expert, valid_until=today() + timedelta(days=700))
    DocumentFactory(
        expert=ExpertFactory(status=Expert.Status.PAUSED), valid_until=today() + timedelta(days=5)
    )
    assert list(documents_expiring()) == [expired, soon]


def test_a_tax_card_needs_a_rate_or_the_prepayment_register():
    expert = ExpertFactory()
    start, end = today().replace(month=2, day=1), today().replace(month=2, day=1)
    with pytest.raises(ExpertError, match="base withholding rate"):
        tax_card_record(expert=expert, by=None, valid_from=start, valid_until=end)
    with pytest.raises(ExpertError, match="cannot end before"):
        tax_card_record(
            expert=expert,
            by=None,
            valid_from=start,
            valid_until=start - timedelta(days=1),
            base_rate=Decimal("20"),
        )
    with pytest.raises(ExpertError, match="frees only compensation for work"):
        tax_card_record(
            expert=expert, by=None, valid_from=start, valid_until=end, prepayment_register=True
        )
    card = tax_card_record(
        expert=expert,
        by=None,
        valid_from=start,
        valid_until=end,
        prepayment_register=True,
        kind=TaxCard.Kind.WORK_COMPENSATION,
    )
    assert card.prepayment_register and card.kind == "work"
    entry = audit_history(expert).first()
    assert entry.action == "tax card recorded"


def _card(expert, **values):
    start = date(today().year, 2, 1)
    return tax_card_record(
        expert=expert,
        by=None,
        valid_from=start,
        valid_until=date(start.year + 1, 1, 31),
        base_rate=Decimal("20"),
        **values,
    )


def test_a_tax_cards_rates_are_percentages_and_its_limit_not_negative():
    expert = ExpertFactory()
    with pytest.raises(ExpertError, match="0 to 100"):
        _card(expert, additional_rate=Decimal("120"))
    with pytest.raises(ExpertError, match="negative"):
        _card(expert, additional_rate=Decimal("40"), income_limit=Decimal("-1"))
    assert not expert.tax_cards.exists()


def test_a_tax_card_is_ended_earlier_and_never_lengthened(coordinator):
    card = _card(ExpertFactory())
    last_day = card.valid_from + timedelta(days=100)
    with pytest.raises(ExpertError, match="only be ended earlier"):
        tax_card_end(card=card, by=coordinator, last_day=card.valid_until + timedelta(days=1))
    with pytest.raises(ExpertError, match="cannot end before"):
        tax_card_end(card=card, by=coordinator, last_day=card.valid_from - timedelta(days=1))
    ended = tax_card_end(card=card, by=coordinator, last_day=last_day)
    assert TaxCard.objects.get(pk=card.pk).valid_until == ended.valid_until == last_day
    entry = audit_history(card.expert).first()
    assert (entry.action, entry.actor) == ("tax card ended", coordinator)
    assert entry.changes["tax_card"][1].endswith(f"{last_day:%d.%m.%Y}")


def test_deleting_a_tax_card_or_a_document_is_in_the_history(coordinator):
    expert = ExpertFactory()
    card = _card(expert)
    document = document_record(
        expert=expert, by=None, kind=ExpertDocument.Kind.AGREEMENT, dated=today()
    )
    tax_card_delete(card=card, by=coordinator)
    document_delete(document=document, by=coordinator)
    assert not expert.tax_cards.exists() and not expert.documents.exists()
    deleted = {
        entry.action: entry.changes for entry in audit_history(expert).filter(actor=coordinator)
    }
    assert deleted == {
        "tax card deleted": {"tax_card": [str(card), ""]},
        "document deleted": {"agreement": [f"{today():%d.%m.%Y}", ""]},
    }


# --- Availability ------------------------------------------------------------------------


def test_weekly_times_on_one_day_may_not_overlap():
    expert = ExpertFactory()
    slot_add(expert=expert, by=None, weekday=0, start=time(9), end=time(12))
    with pytest.raises(ExpertError, match="overlaps"):
        slot_add(expert=expert, by=None, weekday=0, start=time(11), end=time(14))
    slot_add(expert=expert, by=None, weekday=0, start=time(12), end=time(14))
    slot_add(expert=expert, by=None, weekday=1, start=time(11), end=time(14))
    with pytest.raises(ExpertError, match="end after"):
        slot_add(expert=expert, by=None, weekday=2, start=time(14), end=time(9))
    assert AvailabilitySlot.objects.filter(expert=expert).count() == 3


def test_days_off_are_not_in_the_past_and_do_not_overlap():
    expert = ExpertFactory()
    with pytest.raises(ExpertError, match="past"):
        blackout_add(
            expert=expert, by=None, start=today() - timedelta(9), end=today() - timedelta(2)
        )
    blackout_add(expert=expert, by=None, start=today(), end=today() + timedelta(5))
    with pytest.raises(ExpertError, match="already have"):
        blackout_add(
            expert=expert, by=None, start=today() + timedelta(5), end=today() + timedelta(8)
        )
    with pytest.raises(ExpertError, match="At most a year"):
        blackout_add(
            expert=expert, by=None, start=today() + timedelta(9), end=today() + timedelta(900)
        )


def test_limits_need_at_least_one_gig_a_month():
    expert = ExpertFactory()
    with pytest.raises(ExpertError, match="At least one"):
        availability_limits_set(
            expert=expert, by=None, max_gigs_per_month=0, rest_days_after_heavy=0
        )
    expert = availability_limits_set(
        expert=expert, by=None, max_gigs_per_month=4, rest_days_after_heavy=2
    )
    assert (expert.max_gigs_per_month, expert.rest_days_after_heavy) == (4, 2)


def test_available_on_a_day_means_a_weekly_time_and_no_days_off():
    day = today() + timedelta(days=14)
    free = SlotFactory(weekday=day.weekday()).expert
    off = SlotFactory(weekday=day.weekday()).expert
    BlackoutFactory(expert=off, start=day - timedelta(1), end=day)
    SlotFactory(weekday=(day.weekday() + 1) % 7)
    ExpertFactory()
    assert list(Expert.objects.available_on(day)) == [free]


def test_a_valid_document_is_valid_on_the_day():
    expert = ExpertFactory()
    DocumentFactory(expert=expert, valid_until=today() - timedelta(days=1))
    kind = ExpertDocument.Kind.CRIMINAL_RECORD
    assert not Expert.objects.with_valid_document(kind, today()).exists()
    DocumentFactory(expert=expert, valid_until=None)
    assert list(Expert.objects.with_valid_document(kind, today())) == [expert]
    assert current_notice() is not None
