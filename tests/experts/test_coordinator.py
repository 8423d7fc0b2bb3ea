"""Coordinator pages of the pool: list, profile, forms, consent on paper, export."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expertbank.models import AuditEntry, Invitation, Message, User
from experts.models import ConsentRecord, Expert, ExpertDocument, TaxCard
from experts.services import consent_withdraw, expert_is_bookable, expert_update
from tests.experts.factories import (
    GOOD_CODES,
    GOOD_IBANS,
    BlackoutFactory,
    DocumentFactory,
    SlotFactory,
    area,
    bookable_expert,
    language,
)
from tests.factories import ExpertFactory
from tests.permissions import Page, assert_matrix

pytestmark = pytest.mark.django_db

LIST = reverse("experts_coordinator:list")
MONDAY = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())


@pytest.fixture
def logged_in(client, coordinator_en):
    client.force_login(coordinator_en)
    return client


def _names(response) -> list[str]:
    return [expert.name for expert in response.context["page"]]


def _sensitive_expert(**kwargs) -> Expert:
    return expert_update(
        expert=ExpertFactory(**kwargs),
        by=None,
        identity_code=GOOD_CODES[0],
        iban=GOOD_IBANS[0],
        notes="Lapsuus ja huostaanotto",
    )


# --- Who may see these pages -------------------------------------------------------------


def _pages(expert: Expert) -> list[str]:
    return [
        LIST,
        reverse("experts_coordinator:export"),
        reverse("experts_coordinator:new"),
        reverse("experts_coordinator:detail", args=[expert.pk]),
        reverse("experts_coordinator:edit", args=[expert.pk]),
        reverse("experts_coordinator:document_new", args=[expert.pk]),
        reverse("experts_coordinator:tax_card_new", args=[expert.pk]),
        reverse("experts_coordinator:import"),
        reverse("experts_coordinator:import_template", args=["csv"]),
    ]


def _actions(expert: Expert) -> list[Page]:
    return [
        Page(reverse(f"experts_coordinator:{name}", args=[expert.pk]), method="post")
        for name in ["consent_paper", "consent_withdraw", "invite"]
    ]


@pytest.mark.parametrize("who", ["unit member", "trainer"])
def test_unit_members_and_trainers_get_403_on_coordinator_pages(client, outsiders, who):
    expert = ExpertFactory()
    pages = [Page(url) for url in _pages(expert)] + _actions(expert)
    assert_matrix(client, pages, {who: outsiders[who]})


def test_an_expert_gets_403_on_coordinator_pages(client, expert_user):
    pages = [Page(url) for url in _pages(expert_user.expert)]
    assert_matrix(client, pages, {"expert": expert_user})


def test_anonymous_visitors_are_sent_to_log_in_from_coordinator_pages(client):
    expert = ExpertFactory()
    assert_matrix(client, [Page(url) for url in _pages(expert)], {"anonymous": None})


def test_every_coordinator_page_shows_what_it_is_for(logged_in):
    expert = _sensitive_expert(user__full_name="Aino Sivu")
    shown = {
        LIST: ["<h1", "Experts", "Aino Sivu"],
        reverse("experts_coordinator:new"): ["Add an expert", 'name="email"'],
        reverse("experts_coordinator:detail", args=[expert.pk]): [
            "Aino Sivu",
            "••••••-••8T",
            "Change history",
        ],
        reverse("experts_coordinator:edit", args=[expert.pk]): [
            "Edit Aino Sivu",
            GOOD_CODES[0],
        ],
        reverse("experts_coordinator:document_new", args=[expert.pk]): [
            "Record a document",
            'name="dated"',
        ],
        reverse("experts_coordinator:tax_card_new", args=[expert.pk]): [
            "Record a tax card",
            'name="base_rate"',
        ],
        reverse("experts_coordinator:import"): [
            "Import experts from a file",
            'type="file"',
        ],
    }
    for url, texts in shown.items():
        content = logged_in.get(url).content.decode()
        for text in texts:
            assert text in content, (url, text)
    export = logged_in.get(reverse("experts_coordinator:export"))
    assert export["Content-Type"].startswith("text/csv")
    assert "Aino Sivu" in export.content.decode("utf-8-sig")
    template = logged_in.get(reverse("experts_coordinator:import_template", args=["csv"]))
    assert template.content.decode("utf-8-sig").startswith("email")


def test_an_unknown_expert_answers_404(client, coordinator_en):
    pages = [
        Page(reverse(f"experts_coordinator:{name}", args=[9999]), {"coordinator": 404})
        for name in ["detail", "edit", "document_new", "tax_card_new"]
    ]
    assert_matrix(client, pages, {"coordinator": coordinator_en})


# --- The list ----------------------------------------------------------------------------


def test_the_list_searches_names_aliases_and_emails(logged_in):
    ExpertFactory(user__full_name="Liisa Aalto", user__email="liisa@example.com")
    ExpertFactory(user__full_name="Pentti Berg", public_alias="Kettu")
    ExpertFactory(user__full_name="Olli Ceder", user__email="olli.c@example.com")
    assert _names(logged_in.get(LIST, {"q": "aalto"})) == ["Liisa Aalto"]
    assert _names(logged_in.get(LIST, {"q": "kettu"})) == ["Pentti Berg"]
    assert _names(logged_in.get(LIST, {"q": "olli.c@"})) == ["Olli Ceder"]
    assert _names(logged_in.get(LIST, {"q": "liisa aalto"})) == ["Liisa Aalto"]


def test_the_list_never_finds_by_identity_code(logged_in):
    _sensitive_expert()
    assert _names(logged_in.get(LIST, {"q": "131052"})) == []
    content = logged_in.get(LIST).content.decode()
    assert "131052" not in content and "9420" not in content


def test_the_list_filters_by_area_language_municipality_status_and_certification(logged_in):
    first = ExpertFactory(
        user__full_name="A Eka", municipality="Kerava", certified_on=timezone.localdate()
    )
    first.areas.set([area("gambling")])
    first.languages.set([language("sv")])
    second = ExpertFactory(
        user__full_name="B Toka", municipality="Vantaa", status=Expert.Status.PAUSED
    )
    second.areas.set([area("youth")])
    assert _names(logged_in.get(LIST, {"area": area("gambling").pk})) == ["A Eka"]
    assert _names(logged_in.get(LIST, {"language": language("sv").pk})) == ["A Eka"]
    assert _names(logged_in.get(LIST, {"municipality": "Vantaa"})) == ["B Toka"]
    assert _names(logged_in.get(LIST, {"status": "paused"})) == ["B Toka"]
    assert _names(logged_in.get(LIST, {"certified": "yes"})) == ["A Eka"]
    assert _names(logged_in.get(LIST, {"certified": "no"})) == ["B Toka"]


def test_the_list_filters_by_valid_documents_and_bookability(logged_in):
    valid = ExpertFactory(user__full_name="A Voimassa")
    DocumentFactory(expert=valid)
    expired = ExpertFactory(user__full_name="B Vanhentunut")
    DocumentFactory(expert=expired, valid_until=timezone.localdate() - timedelta(days=1))
    bookable_expert(user__full_name="C Varattava")
    assert _names(logged_in.get(LIST, {"documents": "valid"})) == ["A Voimassa"]
    assert _names(logged_in.get(LIST, {"documents": "missing"})) == [
        "B Vanhentunut",
        "C Varattava",
    ]
    assert _names(logged_in.get(LIST, {"documents": "expiring"})) == ["B Vanhentunut"]
    assert _names(logged_in.get(LIST, {"bookable": "yes"})) == ["C Varattava"]


def test_the_list_filters_by_availability_on_a_date(logged_in):
    day = timezone.localdate() + timedelta(days=7)
    free = SlotFactory(weekday=day.weekday(), expert__user__full_name="A Vapaa").expert
    away = SlotFactory(weekday=day.weekday(), expert__user__full_name="B Lomalla").expert
    BlackoutFactory(expert=away, start=day, end=day + timedelta(days=2))
    SlotFactory(weekday=(day.weekday() + 3) % 7, expert__user__full_name="C Muuna päivänä")
    assert _names(logged_in.get(LIST, {"available_on": day.isoformat()})) == [free.name]


def test_a_bad_filter_value_shows_an_error_not_a_500(logged_in):
    ExpertFactory()
    response = logged_in.get(LIST, {"available_on": "yesterday", "status": "nonsense"})
    assert response.status_code == 200
    assert response.context["filter"].form.has_error("available_on")
    assert _names(response) == []


def test_the_list_sorts_by_a_column_both_ways(logged_in):
    ExpertFactory(user__full_name="Bertta", municipality="Espoo")
    ExpertFactory(user__full_name="Aatu", municipality="Vantaa")
    assert _names(logged_in.get(LIST)) == ["Aatu", "Bertta"]
    assert _names(logged_in.get(LIST, {"ordering": "-name"})) == ["Bertta", "Aatu"]
    assert _names(logged_in.get(LIST, {"ordering": "municipality"})) == ["Bertta", "Aatu"]
    response = logged_in.get(LIST, {"ordering": "name"})
    assert "ordering=-name" in response.context["sort"]["name"]["url"]
    assert response.context["sort"]["name"]["state"] == "ascending"


def test_the_list_pages_by_fifty(logged_in):
    ExpertFactory.create_batch(51)
    first = logged_in.get(LIST)
    assert len(_names(first)) == 50
    assert len(_names(logged_in.get(LIST, {"page": 2}))) == 1


def _make_experts(count: int) -> None:
    """Experts that every filter of the query-count tests finds."""
    for index in range(count):
        expert = bookable_expert(municipality="Kunta 1" if index % 2 == 0 else "Kunta 2")
        expert.areas.set([area("gambling"), area("youth")])
        expert.languages.set([language("fi")])
        DocumentFactory(expert=expert)
        SlotFactory(expert=expert, weekday=MONDAY.weekday())


def _count_queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "e", "area": "AREA", "documents": "valid", "ordering": "-status"},
        {"available_on": MONDAY.isoformat(), "bookable": "yes", "municipality": "Kunta 1"},
    ],
)
def test_the_list_takes_as_many_queries_for_fifty_experts_as_for_one(logged_in, params):
    params = {k: area("gambling").pk if v == "AREA" else v for k, v in params.items()}
    _make_experts(1)
    one = _count_queries(logged_in, params)
    assert len(logged_in.get(LIST, params).context["page"]) == 1
    _make_experts(49)
    assert len(logged_in.get(LIST, params).context["page"]) > 1
    assert _count_queries(logged_in, params) == one
    assert one <= 14


def test_the_filter_choices_take_one_query_each(logged_in, django_assert_max_num_queries):
    from experts.filters import ExpertFilter

    _make_experts(10)
    filterset = ExpertFilter({}, queryset=Expert.objects.all())
    with django_assert_max_num_queries(3):  # areas, languages, municipalities
        html = str(filterset.form)
    assert html.count('value="Kunta') == 2
    assert html.count("<option") >= 12 + 10 + 2
    assert 'value="paused"' in html


# --- The profile page ----------------------------------------------------------------------


def test_the_profile_shows_sensitive_data_masked_and_the_change_history(logged_in, coordinator_en):
    expert = _sensitive_expert()
    expert_update(expert=expert, by=coordinator_en, municipality="Kerava")
    content = logged_in.get(reverse("experts_coordinator:detail", args=[expert.pk])).content
    content = content.decode()
    assert "••••••-••8T" in content and "FI49 •••• •••• ••87 30" in content
    assert "131052" not in content and "9420 0287" not in content
    assert "huostaanotto" not in content
    assert "Change history" in content and "Kerava" in content
    assert coordinator_en.get_full_name() in content


def test_the_profile_highlights_documents_expiring_soon(logged_in):
    expert = ExpertFactory()
    DocumentFactory(expert=expert, valid_until=timezone.localdate() + timedelta(days=15))
    content = logged_in.get(reverse("experts_coordinator:detail", args=[expert.pk])).content
    assert b"list-group-item-warning" in content and b"expires soon" in content


def test_the_profile_takes_a_fixed_number_of_queries(logged_in):
    expert = _sensitive_expert()
    url = reverse("experts_coordinator:detail", args=[expert.pk])
    with CaptureQueriesContext(connection) as few:
        logged_in.get(url)
    for _ in range(5):
        DocumentFactory(expert=expert)
        SlotFactory(expert=expert, weekday=_ % 7)
    expert.areas.set([area("gambling"), area("youth")])
    with CaptureQueriesContext(connection) as many:
        logged_in.get(url)
    assert len(many) == len(few)


# --- Creating and editing -------------------------------------------------------------------


def _form_data(**values) -> dict:
    return {
        "email": "uusi.asiantuntija@example.com",
        "full_name": "Uusi Asiantuntija",
        "phone": "040 123 4567",
        "language": "fi",
        "shown_as": "name",
        "status": "active",
        "rest_days_after_heavy": "0",
        "remote_ok": "on",
        "areas": [area("gambling").pk],
        "send_invitation": "on",
        **values,
    }


def test_a_coordinator_adds_an_expert_who_gets_an_invitation(logged_in, run_on_commit):
    with run_on_commit():
        response = logged_in.post(
            reverse("experts_coordinator:new"),
            _form_data(identity_code=GOOD_CODES[1], iban="FI21 1234 5600 0007 85"),
        )
    expert = Expert.objects.get(user__email="uusi.asiantuntija@example.com")
    assert response.status_code == 302
    assert response.url == reverse("experts_coordinator:detail", args=[expert.pk])
    assert expert.identity_code == GOOD_CODES[1]
    assert expert.iban == "FI2112345600000785" and expert.bic == "NDEAFIHH"
    assert Invitation.objects.filter(user=expert.user).exists()
    assert Message.objects.filter(recipient=expert.user, kind="invitation").exists()


def test_an_expert_can_be_added_without_an_invitation(logged_in):
    data = _form_data()
    del data["send_invitation"]
    logged_in.post(reverse("experts_coordinator:new"), data)
    expert = Expert.objects.get(user__email="uusi.asiantuntija@example.com")
    assert not Invitation.objects.filter(user=expert.user).exists()


def test_bad_sensitive_values_are_form_errors_and_nothing_is_saved(logged_in):
    counts = [model.objects.count() for model in (User, Expert, Invitation, Message, AuditEntry)]
    response = logged_in.post(
        reverse("experts_coordinator:new"),
        _form_data(identity_code="131052-308A", iban="FI49 5000 9420 0287 31"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("identity_code") and form.has_error("iban")
    assert not Expert.objects.filter(user__email="uusi.asiantuntija@example.com").exists()
    assert [
        model.objects.count() for model in (User, Expert, Invitation, Message, AuditEntry)
    ] == counts


def test_a_coordinator_edits_the_sensitive_fields(logged_in):
    expert = _sensitive_expert()
    page = logged_in.get(reverse("experts_coordinator:edit", args=[expert.pk]))
    assert "131052-308T" in page.content.decode()  # decrypted where it is edited
    data = _form_data(
        full_name="Uusi Nimi",
        identity_code=GOOD_CODES[2],
        iban="",
        earnings_cap_monthly="976,59",
        notes="Päivitetty",
        certified_on=timezone.localdate().isoformat(),
    )
    del data["email"]
    response = logged_in.post(reverse("experts_coordinator:edit", args=[expert.pk]), data)
    assert response.status_code == 302
    expert = Expert.objects.select_related("user").get(pk=expert.pk)
    assert expert.identity_code == GOOD_CODES[2] and expert.iban == ""
    assert str(expert.earnings_cap_monthly) == "976.59"
    assert expert.user.full_name == "Uusi Nimi"
    assert expert.certified_on == timezone.localdate()


def test_a_coordinator_records_a_document(logged_in):
    expert = ExpertFactory()
    today = timezone.localdate()
    response = logged_in.post(
        reverse("experts_coordinator:document_new", args=[expert.pk]),
        {
            "kind": ExpertDocument.Kind.CRIMINAL_RECORD,
            "dated": today.isoformat(),
            "valid_until": (today + timedelta(days=180)).isoformat(),
        },
    )
    assert response.status_code == 302
    document = expert.documents.get()
    assert document.recorded_by is not None
    bad = logged_in.post(
        reverse("experts_coordinator:document_new", args=[expert.pk]),
        {"kind": "agreement", "dated": today.isoformat(), "valid_until": "2000-01-01"},
    )
    assert bad.status_code == 200 and bad.context["form"].has_error("valid_until")
    assert expert.documents.count() == 1


def test_a_coordinator_records_a_tax_card(logged_in):
    expert = ExpertFactory()
    response = logged_in.post(
        reverse("experts_coordinator:tax_card_new", args=[expert.pk]),
        {
            "kind": "wage",
            "valid_from": "2026-02-01",
            "valid_until": "2027-01-31",
            "base_rate": "18,5",
            "additional_rate": "40",
            "income_limit": "20000",
            "income_limit_feb_dec": "18000",
        },
    )
    assert response.status_code == 302
    card = TaxCard.objects.get(expert=expert)
    assert (card.kind, card.base_rate, card.income_limit_feb_dec) == ("wage", 18.5, 18000)


def test_consent_given_on_paper_is_recorded_and_makes_the_expert_bookable(logged_in):
    expert = ExpertFactory(certified_on=timezone.localdate())
    assert not expert_is_bookable(expert)
    response = logged_in.post(reverse("experts_coordinator:consent_paper", args=[expert.pk]))
    assert response.status_code == 302
    record = ConsentRecord.objects.get(expert=expert)
    assert record.on_paper and record.recorded_by is not None
    assert expert_is_bookable(expert)
    assert (
        logged_in.get(reverse("experts_coordinator:consent_paper", args=[expert.pk])).status_code
        == 405
    )


def test_a_coordinator_records_a_withdrawal(logged_in):
    expert = bookable_expert()
    logged_in.post(reverse("experts_coordinator:consent_withdraw", args=[expert.pk]))
    assert not expert_is_bookable(expert)


def test_a_new_invitation_can_be_sent_until_the_expert_has_a_password(logged_in, run_on_commit):
    expert = ExpertFactory(user__password=None)
    detail = logged_in.get(reverse("experts_coordinator:detail", args=[expert.pk]))
    assert "Send a new invitation" in detail.content.decode()
    with run_on_commit():
        logged_in.post(reverse("experts_coordinator:invite", args=[expert.pk]))
    assert Invitation.objects.filter(user=expert.user).count() == 1
    with_password = ExpertFactory()
    response = logged_in.post(
        reverse("experts_coordinator:invite", args=[with_password.pk]), follow=True
    )
    assert "already has an account" in response.content.decode()
    consent_withdraw  # noqa: B018 - imported for the other tests


# --- Export ----------------------------------------------------------------------------------


def test_the_export_masks_identity_codes_and_ibans(logged_in):
    _sensitive_expert(user__full_name="Aino Export")
    ExpertFactory(user__full_name="Toinen", municipality="Kerava")
    response = logged_in.get(
        reverse("experts_coordinator:export"), {"format": "csv", "municipality": "Vantaa"}
    )
    assert response["Content-Disposition"].endswith('.csv"')
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["full_name"] for row in rows] == ["Aino Export"]
    assert rows[0]["identity_code"] == "••••••-••8T"
    assert rows[0]["iban"] == "FI49 •••• •••• ••87 30"
    assert "131052" not in text and "9420" not in text and "huostaanotto" not in text
    assert "notes" not in rows[0]


def test_the_export_does_not_let_a_spreadsheet_run_formulas(logged_in):
    ExpertFactory(public_alias='=HYPERLINK("http://evil.example","x")', municipality="Vantaa")
    text = logged_in.get(reverse("experts_coordinator:export"), {"format": "csv"}).content
    row = next(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert row["public_alias"].startswith("'=")
    response = logged_in.get(reverse("experts_coordinator:export"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert list(sheet.values)[1][4].startswith("'=")


def test_the_export_as_xlsx(logged_in):
    _sensitive_expert(user__full_name="Aino Export")
    response = logged_in.get(reverse("experts_coordinator:export"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("email", "full_name")
    assert rows[1][1] == "Aino Export"
    assert "••••••-••8T" in rows[1]


def test_the_export_takes_as_many_queries_for_many_experts(logged_in):
    _make_experts(1)
    with CaptureQueriesContext(connection) as one:
        logged_in.get(reverse("experts_coordinator:export"), {"format": "csv"})
    _make_experts(20)
    with CaptureQueriesContext(connection) as many:
        logged_in.get(reverse("experts_coordinator:export"), {"format": "csv"})
    assert len(many) == len(one)
