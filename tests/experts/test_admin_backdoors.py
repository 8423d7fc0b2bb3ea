"""The pool's admin has no back doors: a coordinator who posts any value to any field of any
change form (one field at a time, see tests/admin_checks.py) changes nothing a service owns but
through the service. Status, certification and the sensitive fields stay as they were; every
tax card and document obeys its rules and every one recorded, ended or deleted leaves an audit
row; consents never change; weekly times and unavailable days never overlap."""

from datetime import date, time, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from expertbank.models import AuditEntry
from expertbank.services.audit import audit_history
from experts.models import (
    AvailabilitySlot,
    ExperienceArea,
    Expert,
    ExpertDocument,
    ExpertImport,
    Language,
    PrivacyNotice,
    SupportProfile,
    TaxCard,
    WorkKind,
)
from experts.services import (
    blackout_add,
    consent_give,
    disclosure_set,
    document_check,
    document_record,
    expert_update,
    slot_add,
    tax_card_check,
    tax_card_record,
)
from experts.services.pool import AUDITED_FIELDS
from tests.admin_checks import (
    MAIN,
    NEW_ROW,
    add_url,
    change_url,
    changelist_action,
    delete_via_admin,
    model_admin,
    read_change_form,
    registered_models,
    walk_change_form,
)
from tests.experts.factories import GOOD_CODES, GOOD_IBANS, area, current_notice, language
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TAX_YEAR = (date(TODAY.year, 2, 1), date(TODAY.year + 1, 1, 31))
# Read-only or changed only on the coordinator's edit page (which validates them).
PROTECTED = [
    "user_id",
    "status",
    "status_since",
    "certified_on",
    "identity_code",
    "identity_code_hash",
    "iban",
    "bic",
    "earnings_cap_yearly",
    "earnings_cap_monthly",
    "expenses_only",
    "notes",
]
CARD_TERMS = [
    "kind",
    "valid_from",
    "base_rate",
    "additional_rate",
    "income_limit",
    "income_limit_feb_dec",
    "prepayment_register",
]


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def _full_expert(by, *, email: str, identity_code: str) -> Expert:
    expert = expert_update(
        expert=ExpertFactory(user__email=email),
        by=by,
        public_alias="Kettu",
        shown_as=Expert.ShownAs.ALIAS,
        status=Expert.Status.ACTIVE,
        certified_on=TODAY - timedelta(days=300),
        identity_code=identity_code,
        iban=GOOD_IBANS[0],
        notes="Hyvin henkilökohtaista",
        earnings_cap_monthly=Decimal("976.59"),
        max_gigs_per_month=4,
        areas=[area()],
        languages=[language()],
    )
    current_notice()
    consent_give(expert=expert, by=by, on_paper=True)
    disclosure_set(expert=expert, by=by, pairs=[(area().pk, "city")])
    document_record(
        expert=expert,
        by=by,
        kind=ExpertDocument.Kind.CRIMINAL_RECORD,
        dated=TODAY - timedelta(days=30),
        valid_until=TODAY + timedelta(days=600),
    )
    tax_card_record(
        expert=expert,
        by=by,
        valid_from=TAX_YEAR[0],
        valid_until=TAX_YEAR[1],
        base_rate=Decimal("20.00"),
        additional_rate=Decimal("40.00"),
        income_limit=Decimal("25000.00"),
    )
    slot_add(expert=expert, by=by, weekday=1, start=time(9), end=time(15))
    blackout_add(
        expert=expert, by=by, start=TODAY + timedelta(days=10), end=TODAY + timedelta(days=12)
    )
    return Expert.objects.get(pk=expert.pk)


@pytest.fixture
def expert(coordinator):
    return _full_expert(coordinator, email="aino@example.com", identity_code=GOOD_CODES[0])


@pytest.fixture
def other(coordinator):
    """Another expert, whose rows a hostile form may try to reach by their ids."""
    return _full_expert(coordinator, email="other@example.com", identity_code=GOOD_CODES[1])


def _audits(expert: Expert, action: str) -> int:
    return audit_history(expert).filter(action=action).count()


def _rows(expert: Expert) -> dict:
    return {
        "cards": list(expert.tax_cards.order_by("pk").values()),
        "documents": list(expert.documents.order_by("pk").values()),
        "slots": list(expert.slots.order_by("pk").values()),
        "blackouts": list(expert.blackouts.order_by("pk").values()),
        "consents": list(expert.consents.order_by("pk").values()),
        "disclosures": list(expert.disclosures.order_by("pk").values()),
    }


def _no_overlaps(ranges) -> bool:
    ranges = sorted(ranges)
    return all(earlier[1] <= later[0] for earlier, later in pairwise(ranges))


class Invariants:
    """What must hold after every hostile POST to the expert's change form."""

    def __init__(self, expert: Expert, other: Expert):
        self.expert, self.other = expert, other
        self.protected = self._protected()
        self.other_rows = _rows(other)
        self.consents = _rows(expert)["consents"]
        self.cards = {card.pk: card for card in expert.tax_cards.all()}
        self.profile = self._profile()
        self.updates = _audits(expert, "updated")

    def _protected(self) -> dict:
        return Expert.objects.filter(pk=self.expert.pk).values(*PROTECTED).get()

    def _profile(self) -> dict:
        expert = Expert.objects.get(pk=self.expert.pk)
        fields = [name for name in AUDITED_FIELDS if name not in PROTECTED]
        return {
            name: sorted(getattr(expert, name).values_list("pk", flat=True))
            if name in {"languages", "areas", "work_kinds"}
            else getattr(expert, name)
            for name in fields
        }

    def __call__(self, probe, response) -> None:
        expert = Expert.objects.get(pk=self.expert.pk)  # never deleted
        assert self._protected() == self.protected, probe
        assert _rows(expert)["consents"] == self.consents, probe
        assert _rows(self.other) == self.other_rows, probe
        # A profile change is the service's, and so it is in the audit log.
        profile = self._profile()
        if profile != self.profile:
            assert _audits(expert, "updated") > self.updates, probe
            self.profile, self.updates = profile, _audits(expert, "updated")
        if expert.shown_as == Expert.ShownAs.ALIAS:
            assert expert.public_alias.strip(), probe
        assert expert.max_gigs_per_month is None or 1 <= expert.max_gigs_per_month <= 100, probe
        self._tax_cards(expert, probe)
        self._documents(expert, probe)
        slots = list(expert.slots.all())
        assert all(slot.end > slot.start for slot in slots), probe
        for weekday in range(7):
            assert _no_overlaps([(s.start, s.end) for s in slots if s.weekday == weekday]), probe
        blackouts = list(expert.blackouts.all())
        assert all(b.end >= b.start for b in blackouts), probe
        assert _no_overlaps([(b.start, b.end + timedelta(days=1)) for b in blackouts]), probe

    def _tax_cards(self, expert: Expert, probe) -> None:
        cards = {card.pk: card for card in expert.tax_cards.all()}
        for card in cards.values():
            tax_card_check(**{name: getattr(card, name) for name in [*CARD_TERMS, "valid_until"]})
        recorded, deleted = (
            _audits(expert, "tax card recorded"),
            _audits(expert, "tax card deleted"),
        )
        assert len(cards) == recorded - deleted, probe
        ended = 0
        for pk, before in self.cards.items():
            if pk not in cards:
                continue
            card = cards[pk]
            assert [getattr(card, n) for n in CARD_TERMS] == [
                getattr(before, n) for n in CARD_TERMS
            ], probe
            assert card.valid_until <= before.valid_until, probe  # ended, never lengthened
            ended += card.valid_until < before.valid_until
        assert _audits(expert, "tax card ended") >= ended, probe

    def _documents(self, expert: Expert, probe) -> None:
        documents = list(expert.documents.all())
        for document in documents:
            document_check(
                kind=document.kind, dated=document.dated, valid_until=document.valid_until
            )
        recorded = _audits(expert, "document recorded")
        assert len(documents) == recorded - _audits(expert, "document deleted"), probe


NEW_ROWS = {
    "tax_cards": {
        "kind": TaxCard.Kind.WAGE,
        "valid_from": TAX_YEAR[0] + timedelta(days=60),
        "valid_until": TAX_YEAR[1],
        "base_rate": Decimal("25.00"),
        "additional_rate": Decimal("45.00"),
        "income_limit": Decimal("15000.00"),
        "prepayment_register": False,
    },
    "documents": {
        "kind": ExpertDocument.Kind.CONFIDENTIALITY,
        "dated": TODAY - timedelta(days=5),
        "valid_until": None,
        "note": "",
    },
    "slots": {"weekday": 3, "start": time(12), "end": time(16)},
    "blackouts": {
        "start": TODAY + timedelta(days=40),
        "end": TODAY + timedelta(days=45),
        "note": "",
    },
}


# --- Every admin page of the pool is walked --------------------------------------------------

WALKED = {
    Expert,
    ExperienceArea,
    WorkKind,
    Language,
    PrivacyNotice,
    ExpertImport,
    SupportProfile,  # walked in test_support.py
}


def test_every_admin_page_of_the_pool_is_walked():
    # The expert's here; the lists, privacy notices and the import log in
    # test_admin_reference_data.py.
    assert registered_models(admin.site, "experts") == WALKED


# --- The expert's change form ----------------------------------------------------------------


PARTS = [MAIN, "documents", "consents", "slots", "blackouts", "tax_cards"]


@pytest.mark.parametrize("part", PARTS)
def test_no_hostile_post_to_an_experts_change_form_breaks_a_rule(admin_client, expert, other, part):
    check = Invariants(expert, other)
    statuses = []

    def check_and_count(probe, response):
        check(probe, response)
        statuses.append(response.status_code)

    probes = walk_change_form(
        admin_client,
        model_admin(admin.site, Expert),
        expert,
        check=check_and_count,
        new_rows=NEW_ROWS,
        only={part},
    )
    walked = {str(probe.slot) for probe in probes}
    expected = {
        MAIN: {"shown_as", "public_alias", "max_gigs_per_month", "areas"},
        "documents": {"documents-0-dated", "documents-0-id", "documents-0-DELETE"},
        "consents": {"consents-0-id", "consents-0-expert"},
        "slots": {"slots-0-end", "slots-0-DELETE"},
        "blackouts": {"blackouts-0-start", "blackouts-0-DELETE"},
        "tax_cards": {"tax_cards-0-valid_until", "tax_cards-0-base_rate", "tax_cards-0-DELETE"},
    }[part]
    assert expected <= walked
    if part in NEW_ROWS:
        assert f"{part}-None-{NEW_ROW}" in walked
    # Some posts saved (so the refusals are not a broken form) and some were refused.
    assert 302 in statuses
    if part != "consents":
        assert 200 in statuses
    if part == "tax_cards":
        assert _audits(expert, "tax card deleted") >= 1
        assert _audits(expert, "tax card recorded") >= 2


def test_status_certification_and_sensitive_fields_are_read_only(admin_client, expert):
    form = read_change_form(admin_client, change_url(model_admin(admin.site, Expert), expert))
    names = {slot.field for slot in form.fields if slot.form == ""}
    assert not names & set(PROTECTED)
    assert {"public_alias", "municipality", "areas", "max_gigs_per_month"} <= names


def test_an_alias_cannot_be_emptied_while_bookers_are_shown_the_alias(admin_client, expert):
    url = change_url(model_admin(admin.site, Expert), expert)
    form = read_change_form(admin_client, url)
    response = admin_client.post(url, {**form.data, "public_alias": ""})
    assert response.status_code == 200
    assert "alias" in str(response.context["adminform"].form.non_field_errors())
    assert Expert.objects.get(pk=expert.pk).public_alias == "Kettu"


def test_a_profile_change_in_the_admin_is_saved_by_the_service(admin_client, expert, coordinator):
    url = change_url(model_admin(admin.site, Expert), expert)
    form = read_change_form(admin_client, url)
    response = admin_client.post(url, {**form.data, "municipality": "Kerava"})
    assert response.status_code == 302
    entry = audit_history(expert).filter(action="updated").first()
    assert entry.actor == coordinator
    assert entry.changes["municipality"] == ["Vantaa", "Kerava"]


# --- Tax cards -------------------------------------------------------------------------------


def _card_form(admin_client, expert):
    url = change_url(model_admin(admin.site, Expert), expert)
    return url, read_change_form(admin_client, url)


def test_deleting_a_tax_card_in_the_admin_is_audited(admin_client, expert, coordinator):
    card = expert.tax_cards.get()
    url, form = _card_form(admin_client, expert)
    response = admin_client.post(url, {**form.data, "tax_cards-0-DELETE": "on"})
    assert response.status_code == 302
    assert not TaxCard.objects.filter(pk=card.pk).exists()
    entry = audit_history(expert).get(action="tax card deleted")
    assert entry.actor == coordinator
    # The rates are sensitive: the log names only the period.
    assert entry.changes == {"tax_card": [str(card), ""]}
    history = admin_client.get(reverse("experts_coordinator:detail", args=[expert.pk]))
    assert "Tax card deleted" in history.content.decode()


def test_a_tax_card_is_ended_earlier_through_the_service(admin_client, expert, coordinator):
    card = expert.tax_cards.get()
    url, form = _card_form(admin_client, expert)
    last_day = card.valid_until - timedelta(days=100)
    response = admin_client.post(
        url, {**form.data, "tax_cards-0-valid_until": last_day.isoformat()}
    )
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.valid_until == last_day
    assert audit_history(expert).get(action="tax card ended").actor == coordinator


def test_a_tax_card_is_never_lengthened_nor_its_rates_changed(admin_client, expert):
    card = expert.tax_cards.get()
    url, form = _card_form(admin_client, expert)
    later = (card.valid_until + timedelta(days=30)).isoformat()
    response = admin_client.post(url, {**form.data, "tax_cards-0-valid_until": later})
    assert response.status_code == 200
    assert "only be ended earlier" in response.content.decode()
    response = admin_client.post(url, {**form.data, "tax_cards-0-base_rate": "1.00"})
    card.refresh_from_db()
    assert (card.valid_until, card.base_rate) == (TAX_YEAR[1], Decimal("20.00"))
    assert not audit_history(expert).filter(action="tax card ended").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"valid_until": TAX_YEAR[0] - timedelta(days=1)}, "cannot end before it starts"),
        ({"base_rate": None}, "base withholding rate"),
        ({"additional_rate": None}, "needs the additional rate"),
        ({"base_rate": Decimal("150")}, "100"),
    ],
)
def test_a_new_tax_card_in_the_admin_obeys_the_rules(admin_client, expert, change, message):
    url, form = _card_form(admin_client, expert)
    row = {**NEW_ROWS["tax_cards"], **change}
    data = {**form.data, "tax_cards-TOTAL_FORMS": "2", "tax_cards-1-expert": str(expert.pk)}
    for name, value in row.items():
        if isinstance(value, bool):
            if value:
                data[f"tax_cards-1-{name}"] = "on"
        else:
            data[f"tax_cards-1-{name}"] = "" if value is None else str(value)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert expert.tax_cards.count() == 1
    assert _audits(expert, "tax card recorded") == 1


def test_another_experts_tax_card_is_out_of_reach(admin_client, expert, other):
    theirs = other.tax_cards.get()
    url, form = _card_form(admin_client, expert)
    admin_client.post(
        url,
        {**form.data, "tax_cards-0-id": str(theirs.pk), "tax_cards-0-DELETE": "on"},
    )
    assert TaxCard.objects.filter(pk=theirs.pk).exists()
    assert not audit_history(other).filter(action="tax card deleted").exists()


# --- What is never deleted or added here -----------------------------------------------------


def test_experts_are_neither_added_nor_deleted_in_the_admin(admin_client, expert, other):
    expert_admin = model_admin(admin.site, Expert)
    assert admin_client.get(add_url(expert_admin)).status_code == 403
    assert delete_via_admin(admin_client, expert_admin, expert).status_code == 403
    changelist_action(admin_client, expert_admin, [expert, other])
    assert Expert.objects.filter(pk__in=[expert.pk, other.pk]).count() == 2


def test_consents_cannot_be_changed_or_deleted_in_the_admin(admin_client, expert):
    consent = expert.consents.get()
    url, form = _card_form(admin_client, expert)
    admin_client.post(
        url,
        {
            **form.data,
            "consents-0-DELETE": "on",
            "consents-0-withdrawn_at_0": TODAY.isoformat(),
            "consents-0-withdrawn_at_1": "10:00:00",
        },
    )
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_two_new_weekly_times_that_overlap_each_other_are_refused(admin_client, expert):
    """Each passes its check against the saved times; together they are refused, and nothing
    of the form is saved."""
    url, form = _card_form(admin_client, expert)
    before = AvailabilitySlot.objects.count(), AuditEntry.objects.count()
    data = {**form.data, "slots-TOTAL_FORMS": "3"}
    for index in (1, 2):
        data |= {
            f"slots-{index}-expert": str(expert.pk),
            f"slots-{index}-weekday": "4",
            f"slots-{index}-start": "10:00:00",
            f"slots-{index}-end": "12:00:00",
        }
    data["municipality"] = "Kerava"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "overlap each other" in response.content.decode()
    assert (AvailabilitySlot.objects.count(), AuditEntry.objects.count()) == before
    assert Expert.objects.get(pk=expert.pk).municipality == "Vantaa"
