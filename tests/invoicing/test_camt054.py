"""Tests for ``invoicing.bankfiles.camt054``: reading the bank's camt.054 notification of incoming
payments (versions .02 and .08) and writing sample files.

Pure functions on bytes: no database. Error messages are read in English (the ``english``
fixture). The samples are validated against the published schemas in ``../shared/schemas``
(tests marked ``schemas``, deselected where that folder is absent).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from lxml import etree

from expertbank.finnish import format_reference, format_rf_reference, reference_number, rf_reference
from invoicing.bankfiles.camt054 import (
    MAX_SIZE,
    NAMESPACE,
    V02,
    V08,
    VERSIONS,
    BankFileError,
    IncomingEntry,
    Notification,
    SkippedEntry,
    build,
    find_reference,
    parse,
    reference_kind,
)
from tests.schemas import schema_path

pytestmark = pytest.mark.usefixtures("english")

IBAN = "FI49 5000 9420 0287 30"
PAYER_IBAN = "FI79 4405 2020 0360 82"
BOOKED = date(2025, 3, 3)
VALUE = date(2025, 3, 4)
CREATED = datetime(2025, 3, 3, 8, 15, 30, tzinfo=UTC)
FI_REF = reference_number("1234561")  # 12345614
RF_REF = rf_reference("2348236")  # RF332348236
INVALID_REF = "12345615"  # the check digit of 1234561 is 4
LONG_REF = reference_number("123456789012345")

both_versions = pytest.mark.parametrize("version", VERSIONS)


def payment(**fields) -> dict:
    """One incoming payment, as ``build`` takes it; ``fields`` override the defaults."""
    return {
        "ref": "2025030312345678",
        "amount": Decimal("124.12"),
        "reference": FI_REF,
        "payer": "Kaupungin sosiaalipalvelut",
        "booked": BOOKED,
    } | fields


def notification_file(*entries: dict, version: str = V02, **options) -> bytes:
    return build(
        version=version,
        message_id=options.pop("message_id", "CAMT054-20250303-1"),
        account_iban=options.pop("account_iban", IBAN),
        entries=list(entries) or [payment()],
        created_at=options.pop("created_at", CREATED),
        **options,
    )


def only(notification: Notification) -> IncomingEntry:
    assert len(notification.entries) == 1, notification
    return notification.entries[0]


def edited(data: bytes, edit) -> bytes:
    """``data`` with ``edit(root, ns)`` applied to its XML tree."""
    root = etree.fromstring(data)
    edit(root, {"c": etree.QName(root).namespace})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def remove_all(path: str):
    def edit(root, ns):
        for element in root.findall(path, ns):
            element.getparent().remove(element)

    return edit


# --- Reading --------------------------------------------------------------------------------


@both_versions
def test_every_field_of_a_payment_is_read(version):
    data = notification_file(
        payment(
            ref="ARCH-0001",
            amount=Decimal("124.1"),
            reference=f" {format_reference(FI_REF)} ",
            payer="Kaupungin  sosiaalipalvelut",
            payer_iban=PAYER_IBAN,
            value_date=VALUE,
            message="Lasku 2025/17, kiitos",
        ),
        version=version,
    )

    notification = parse(data)

    assert notification == Notification(
        version=version,
        message_id="CAMT054-20250303-1",
        created_at=CREATED,
        account_iban="FI4950009420028730",
        entries=[
            IncomingEntry(
                entry_reference="ARCH-0001",
                amount=Decimal("124.10"),
                currency="EUR",
                booking_date=BOOKED,
                value_date=VALUE,
                reference=FI_REF,
                reference_kind="fi",
                payer_name="Kaupungin sosiaalipalvelut",
                payer_iban="FI7944052020036082",
                message="Lasku 2025/17, kiitos",
                reference_source="structured",
            )
        ],
        skipped=[],
    )
    assert str(only(notification).amount) == "124.10"


def test_the_version_comes_from_the_namespace():
    assert parse(notification_file(version=V02)).version == "camt.054.001.02"
    assert parse(notification_file(version=V08)).version == "camt.054.001.08"
    # The builder takes the short forms too.
    assert parse(notification_file(version="08")).version == V08
    assert parse(notification_file(version=".02")).version == V02


@both_versions
def test_a_sample_parsed_back_equals_what_was_built(version):
    entries = [
        payment(ref="A1", amount=Decimal("350.00"), reference=FI_REF, payer="Nuorisopalvelut"),
        payment(
            ref="A2",
            amount=Decimal("25.50"),
            reference=RF_REF,
            payer="Vammaispalvelut",
            value_date=None,
            booked=date(2025, 3, 4),
        ),
        payment(ref="A3", amount=Decimal("99.99"), reference="", payer="", message="Ei viitettä"),
    ]

    notification = parse(notification_file(*entries, version=version, message_id="M-7"))

    assert (notification.version, notification.message_id) == (version, "M-7")
    assert notification.created_at == CREATED
    assert notification.account_iban == "FI4950009420028730"
    assert notification.skipped == []
    assert notification.entries == [
        IncomingEntry("A1", Decimal("350.00"), "EUR", BOOKED, BOOKED, FI_REF, "fi",
                      "Nuorisopalvelut", "", "", "structured"),
        IncomingEntry("A2", Decimal("25.50"), "EUR", date(2025, 3, 4), None, RF_REF, "rf",
                      "Vammaispalvelut", "", "", "structured"),
        IncomingEntry("A3", Decimal("99.99"), "EUR", BOOKED, BOOKED, "", "", "", "",
                      "Ei viitettä", ""),
    ]  # fmt: skip


@both_versions
def test_a_batch_entry_of_three_transactions_is_three_payments(version):
    refs = [reference_number(base) for base in ("1001", "1002", "1003")]
    data = notification_file(
        {
            "ref": "BATCH-77",
            "booked": BOOKED,
            "transactions": [
                {"amount": Decimal("100.00"), "reference": refs[0], "payer": "Yksi"},
                {"amount": Decimal("200.00"), "reference": refs[1], "payer": "Kaksi"},
                {"amount": Decimal("300.00"), "reference": refs[2], "payer": "Kolme"},
            ],
        },
        version=version,
    )

    entries = parse(data).entries

    assert [e.entry_reference for e in entries] == ["BATCH-77/1", "BATCH-77/2", "BATCH-77/3"]
    assert [e.amount for e in entries] == [Decimal(100), Decimal(200), Decimal(300)]
    assert [e.reference for e in entries] == refs
    assert [e.payer_name for e in entries] == ["Yksi", "Kaksi", "Kolme"]
    assert {e.booking_date for e in entries} == {BOOKED}
    # The entry's own amount is the batch's total.
    assert b'<Amt Ccy="EUR">600.00</Amt>' in data


@both_versions
def test_a_transaction_with_its_own_archive_reference_keeps_it(version):
    data = notification_file(
        {
            "ref": "BATCH-78",
            "booked": BOOKED,
            "transactions": [
                {"ref": "TX-1", "amount": 10, "reference": FI_REF},
                {"amount": 20, "reference": FI_REF},
                {"ref": "TX-3", "amount": 30, "reference": FI_REF},
            ],
        },
        version=version,
    )

    refs = [e.entry_reference for e in parse(data).entries]

    assert refs == ["TX-1", "BATCH-78/2", "TX-3"]


def test_the_same_payment_in_two_files_has_the_same_entry_reference():
    batch = {
        "ref": "BATCH-1",
        "booked": BOOKED,
        "transactions": [{"amount": 5, "reference": FI_REF}, {"amount": 6, "reference": RF_REF}],
    }
    first = parse(notification_file(payment(ref="P-1"), batch, message_id="DAY-1"))
    overlapping = parse(notification_file(batch, payment(ref="P-2"), message_id="DAY-2"))

    assert {e.entry_reference for e in first.entries} & {
        e.entry_reference for e in overlapping.entries
    } == {"BATCH-1/1", "BATCH-1/2"}


@pytest.mark.parametrize(
    ("written", "reference", "kind"),
    [
        (FI_REF, FI_REF, "fi"),
        (format_reference(FI_REF), FI_REF, "fi"),
        (RF_REF, RF_REF, "rf"),
        (format_rf_reference(RF_REF).lower(), RF_REF, "rf"),
        (rf_reference(FI_REF), rf_reference(FI_REF), "rf"),
        # Some banks pad a Finnish reference with zeros to 20 digits.
        (FI_REF.zfill(20), FI_REF, "fi"),
        # Invalid references are kept as given (compact, upper-case) with no kind.
        (INVALID_REF, INVALID_REF, ""),
        ("RF00 2348 236", "RF002348236", ""),
        ("inv-2025-17", "INV-2025-17", ""),
        ("0000000000", "0000000000", ""),
    ],
)
def test_references_are_recognised(written, reference, kind):
    entry = only(parse(notification_file(payment(reference=written))))

    assert (entry.reference, entry.reference_kind) == (reference, kind)
    assert entry.reference_source == "structured"


@both_versions
def test_a_reference_only_in_the_message_is_found(version):
    message = f"Lasku 2025 / 17 viite {format_reference(FI_REF)}, kiitos!"
    entry = only(parse(notification_file(payment(reference="", message=message), version=version)))

    assert (entry.reference, entry.reference_kind, entry.reference_source) == (FI_REF, "fi", "text")
    assert entry.message == message


def test_an_rf_reference_in_the_message_is_found():
    message = f"Maksu {format_rf_reference(RF_REF)} koulutuksesta 12.3.2025"
    entry = only(parse(notification_file(payment(reference="", message=message))))

    assert (entry.reference, entry.reference_kind, entry.reference_source) == (RF_REF, "rf", "text")


def test_a_long_message_in_several_lines_is_joined():
    message = "Koulutuspäivä " * 20
    data = notification_file(payment(message=message))

    assert data.count(b"<Ustrd>") == 2  # at most 140 characters a line
    assert only(parse(data)).message == message.strip()


def test_the_structured_reference_wins_over_the_message():
    entry = only(parse(notification_file(payment(reference=RF_REF, message=f"viite {FI_REF}"))))

    assert (entry.reference, entry.reference_kind) == (RF_REF, "rf")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (f"viite {FI_REF}", FI_REF),
        (f"Viite:{format_reference(LONG_REF)}.", LONG_REF),  # in groups of five
        (f"Viitenumero {RF_REF}", RF_REF),
        (f"ref {format_rf_reference(RF_REF)} ja 2025", RF_REF),
        ("Jäsenmaksu 2024", ""),  # a four-digit year is not taken for a reference
        ("Lasku 12.03.2025", ""),
        (f"{INVALID_REF}", ""),
        (f"viitteet {reference_number('1001')} ja {reference_number('1002')}", ""),  # ambiguous
        ("", ""),
    ],
)
def test_find_reference(text, found):
    assert find_reference(text) == found


def test_reference_kind():
    assert reference_kind(FI_REF) == "fi"
    assert reference_kind(RF_REF) == "rf"
    assert reference_kind(INVALID_REF) == ""
    assert reference_kind("RF332348237") == ""


def test_an_entry_without_transaction_details_is_one_payment():
    data = edited(notification_file(payment(ref="SOLO")), remove_all(".//c:NtryDtls"))

    entry = only(parse(data))

    assert (entry.entry_reference, entry.amount, entry.reference) == ("SOLO", Decimal("124.12"), "")


def test_a_payment_with_a_date_time_booking_date_is_read():
    def to_date_time(root, ns):
        day = root.find(".//c:BookgDt/c:Dt", ns)
        day.tag = f"{{{ns['c']}}}DtTm"
        day.text = "2025-03-03T23:30:00+02:00"

    assert only(parse(edited(notification_file(), to_date_time))).booking_date == BOOKED


def test_several_notifications_for_one_account_are_read_together():
    def second_notification(root, ns):
        notification = root.find("c:BkToCstmrDbtCdtNtfctn/c:Ntfctn", ns)
        copy = etree.fromstring(etree.tostring(notification))
        for archive_reference in copy.iterfind(".//c:AcctSvcrRef", ns):
            archive_reference.text = "OTHER"
        notification.addnext(copy)

    entries = parse(edited(notification_file(), second_notification)).entries

    assert [e.entry_reference for e in entries] == ["2025030312345678", "OTHER"]


@both_versions
def test_entries_that_are_not_incoming_payments_are_skipped_with_a_reason(version):
    data = notification_file(
        payment(ref="IN-1"),
        payment(ref="OUT-1", debit=True, payer="Asiantuntija", reference=""),
        payment(ref="REV-1", reversal=True),
        payment(ref="USD-1", currency="USD", amount=Decimal("50.00")),
        payment(ref="PEND-1", status="PDNG"),
        version=version,
    )

    notification = parse(data)

    assert [e.entry_reference for e in notification.entries] == ["IN-1"]
    assert notification.skipped == [
        SkippedEntry("OUT-1", Decimal("124.12"), "EUR", BOOKED, "debit",
                     "An outgoing payment (debit), not an incoming one."),
        SkippedEntry("REV-1", Decimal("124.12"), "EUR", BOOKED, "reversal",
                     "A reversal of an earlier entry, not a new payment: check it by hand.",
                     "Kaupungin sosiaalipalvelut", FI_REF),
        SkippedEntry("USD-1", Decimal("50.00"), "USD", BOOKED, "currency",
                     "The amount is in USD, not in euros: record it by hand.",
                     "Kaupungin sosiaalipalvelut", FI_REF),
        SkippedEntry("PEND-1", Decimal("124.12"), "EUR", BOOKED, "not_booked",
                     "Not booked yet (status PDNG): it is recorded from a later file that shows "
                     "it booked.", "Kaupungin sosiaalipalvelut", FI_REF),
    ]  # fmt: skip


def test_a_debit_batch_is_one_skipped_entry():
    data = notification_file(
        {
            "ref": "FEES-03",
            "booked": BOOKED,
            "debit": True,
            "transactions": [{"amount": 100, "payer": "A"}, {"amount": 200, "payer": "B"}],
        }
    )

    notification = parse(data)

    assert notification.entries == []
    assert [(s.entry_reference, s.amount, s.code) for s in notification.skipped] == [
        ("FEES-03", Decimal("300.00"), "debit")
    ]


def test_a_file_without_entries_has_no_payments():
    data = build(version=V02, message_id="EMPTY", account_iban=IBAN, entries=[])

    notification = parse(data)

    assert (notification.entries, notification.skipped) == ([], [])


def test_a_file_with_a_utf8_bom_is_read():
    data = b"\xef\xbb\xbf" + notification_file()

    assert only(parse(data)).reference == FI_REF


# --- Refused files --------------------------------------------------------------------------

PAIN_001 = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">'
    b"<CstmrCdtTrfInitn><GrpHdr><MsgId>X</MsgId></GrpHdr></CstmrCdtTrfInitn></Document>"
)
CAMT_053 = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
    b"<BkToCstmrStmt><GrpHdr><MsgId>X</MsgId></GrpHdr></BkToCstmrStmt></Document>"
)
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Document [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
  <BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>&lol9;</MsgId></GrpHdr></BkToCstmrDbtCdtNtfctn>
</Document>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">&secret;</Document>
"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf \n", "The file is empty."),
        (b"<Document><Ntry>", "The file is not valid XML"),
        (b"Kirjauspaiva;Summa\n2025-03-03;124,12\n", "The file is not valid XML"),
        (PAIN_001, "This is not a camt.054 notification: it is a payment order (pain.001.001.09)"),
        (CAMT_053, "This is not a camt.054 notification: it is an account statement"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"/>',
         "it is an ISO 20022 pain.008.001.02 message"),
        (b"<Finvoice Version='3.0'/>", "its main element is Finvoice"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.04"/>',
         "version camt.054.001.04, which is not supported"),
        (BILLION_LAUGHS, "document type declaration (DOCTYPE)"),
        (BILLION_LAUGHS.decode().replace('"1.0"', '"1.0" encoding="UTF-16"').encode("utf-16"),
         "document type declaration (DOCTYPE)"),
        (EXTERNAL_ENTITY, "document type declaration (DOCTYPE)"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"/>',
         "The file has no BkToCstmrDbtCdtNtfctn"),
    ],
)  # fmt: skip
def test_a_foreign_or_malformed_file_is_refused_clearly(data, message):
    with pytest.raises(BankFileError) as error:
        parse(data)

    assert message in str(error.value)
    assert isinstance(error.value, ValueError)


def test_a_file_over_10_mb_is_refused():
    data = notification_file().replace(
        b"</Document>", b"<!--" + b"x" * MAX_SIZE + b"--></Document>"
    )

    with pytest.raises(BankFileError, match=r"The file is too large \(10\.1 MB\)"):
        parse(data)


def test_a_file_of_exactly_10_mb_is_read():
    data = notification_file()
    # In comments of 1 MB: libxml2 refuses a single node of over 10 000 000 bytes anyway.
    comment = b"<!--" + b"x" * (1024 * 1024 - 7) + b"-->"
    padding = MAX_SIZE - len(data)
    comments = comment * (padding // len(comment))
    comments += b"<!--" + b"x" * (padding - len(comments) - 7) + b"-->"
    data = data.replace(b"</Document>", comments + b"</Document>")

    assert len(data) == MAX_SIZE
    assert only(parse(data)).reference == FI_REF


@both_versions
@pytest.mark.parametrize(
    ("path", "message"),
    [
        (".//c:Ntry/c:Amt", "A payment has no amount (2025030312345678)."),
        (".//c:GrpHdr/c:MsgId", "The file has no GrpHdr/MsgId"),
        (".//c:Ntfctn/c:Acct", "The file has no Ntfctn/Acct/Id"),
        (".//c:Ntfctn", "The file has no Ntfctn"),
        (".//c:CdtDbtInd", "does not say whether it is incoming or outgoing"),
        (".//c:AcctSvcrRef", "A payment has no archive reference from the bank"),
    ],
)
def test_a_missing_part_is_refused_clearly(version, path, message):
    data = edited(notification_file(version=version), remove_all(path))

    with pytest.raises(BankFileError) as error:
        parse(data)

    assert message in str(error.value)
    assert "Ask the bank for a new copy of the file." in str(error.value)


@both_versions
def test_a_batch_transaction_without_an_amount_is_refused(version):
    batch = {
        "ref": "B-9",
        "booked": BOOKED,
        "transactions": [{"amount": 1, "reference": FI_REF}, {"amount": 2, "reference": RF_REF}],
    }
    data = edited(
        notification_file(batch, version=version),
        remove_all(".//c:TxDtls/c:Amt" if version == V08 else ".//c:TxDtls/c:AmtDtls"),
    )

    with pytest.raises(BankFileError, match=r"A payment has no amount \(B-9/1\)"):
        parse(data)


def test_a_single_transaction_without_its_own_amount_takes_the_entry_amount():
    data = edited(notification_file(version=V02), remove_all(".//c:TxDtls/c:AmtDtls"))

    assert only(parse(data)).amount == Decimal("124.12")


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        (".//c:Ntry/c:Amt", "124,12", "A payment has an invalid amount (124,12 EUR in"),
        (".//c:Ntry/c:Amt", "-5.00", "A payment has an invalid amount (-5.00 EUR in"),
        (".//c:Ntry/c:Amt", "1.005", "A payment has an invalid amount (1.005 EUR in"),
        (".//c:TxDtls/c:AmtDtls/c:TxAmt/c:Amt", "NaN", "A payment has an invalid amount (NaN EUR"),
        (".//c:BookgDt/c:Dt", "3.3.2025", "A payment has an invalid date (3.3.2025 in"),
    ],
)
def test_an_invalid_value_is_refused_clearly(path, text, message):
    def change(root, ns):
        root.find(path, ns).text = text

    with pytest.raises(BankFileError) as error:
        parse(edited(notification_file(), change))

    assert message in str(error.value)


def test_an_amount_without_a_currency_is_refused():
    def drop_currency(root, ns):
        del root.find(".//c:Ntry/c:Amt", ns).attrib["Ccy"]

    with pytest.raises(BankFileError, match=r"invalid amount \(124\.12 in 2025030312345678\)"):
        parse(edited(notification_file(), drop_currency))


def test_a_payment_without_a_booking_or_value_date_is_refused():
    data = edited(notification_file(), remove_all(".//c:BookgDt"))
    assert only(parse(data)).booking_date == BOOKED  # the value date stands in

    data = edited(data, remove_all(".//c:ValDt"))
    with pytest.raises(BankFileError, match="A payment has no booking date"):
        parse(data)


def test_notifications_for_two_accounts_are_refused():
    def second_account(root, ns):
        notification = root.find("c:BkToCstmrDbtCdtNtfctn/c:Ntfctn", ns)
        copy = etree.fromstring(etree.tostring(notification))
        copy.find("c:Acct/c:Id/c:IBAN", ns).text = "FI7944052020036082"
        notification.addnext(copy)

    with pytest.raises(BankFileError, match=r"several accounts \(FI4950009420028730, FI79"):
        parse(edited(notification_file(), second_account))


@both_versions
def test_removing_any_element_gives_a_result_or_a_bank_file_error(version):
    """However a file is cut, the parser answers with a Notification or a BankFileError,
    never a KeyError, AttributeError or TypeError (a 500 on the upload page)."""
    data = notification_file(
        payment(ref="P1", payer_iban=PAYER_IBAN, message="viesti", value_date=VALUE),
        {"ref": "B1", "booked": BOOKED, "transactions": [{"amount": 1}, {"amount": 2}]},
        payment(ref="D1", debit=True),
        version=version,
    )
    count = len(etree.fromstring(data).xpath("//*"))

    for index in range(1, count):

        def remove(root, ns, index=index):
            element = root.xpath("//*")[index]
            element.getparent().remove(element)

        try:
            result = parse(edited(data, remove))
        except BankFileError:
            continue
        assert isinstance(result, Notification)


def test_parse_takes_bytes_only():
    with pytest.raises(TypeError):
        parse(notification_file().decode())


# --- Writing --------------------------------------------------------------------------------


def test_build_writes_the_finnish_kind_of_creditor_reference():
    data = notification_file(payment(ref="R1", reference=RF_REF), payment(ref="F1"))
    root = etree.fromstring(data)
    ns = {"c": NAMESPACE + V02}
    kinds = root.findall(".//c:CdtrRefInf/c:Tp", ns)

    assert [k.findtext("c:CdOrPrtry/c:Cd", namespaces=ns) for k in kinds] == ["SCOR", "SCOR"]
    assert [k.findtext("c:Issr", namespaces=ns) for k in kinds] == ["ISO", None]


def test_build_refuses_what_it_does_not_know():
    with pytest.raises(ValueError, match="version must be one of"):
        notification_file(version="camt.054.001.04")
    with pytest.raises(TypeError, match="Unknown entry keys"):
        notification_file(payment(amout=Decimal(1)))
    with pytest.raises(TypeError, match="needs 'amount'"):
        notification_file({"ref": "X", "booked": BOOKED})
    with pytest.raises(ValueError, match="1–35 characters"):
        notification_file(payment(ref="X" * 36))
    with pytest.raises(ValueError, match="negative"):
        notification_file(payment(amount=Decimal("-1")))


def test_build_defaults_the_creation_time_to_now():
    before = datetime.now(UTC).replace(microsecond=0)
    data = build(version=V08, message_id="NOW", account_iban=IBAN, entries=[payment()])

    assert before <= parse(data).created_at <= datetime.now(UTC)


# --- The published schemas ------------------------------------------------------------------


def sample(version: str) -> bytes:
    """Every kind of entry the builder writes, in one file."""
    return notification_file(
        payment(ref="S1", reference=FI_REF, payer_iban=PAYER_IBAN, value_date=VALUE),
        payment(ref="S2", reference=format_rf_reference(RF_REF), message="Koulutus " * 30),
        payment(ref="S3", reference="", message=f"viite {FI_REF}", value_date=None),
        {
            "ref": "S4",
            "booked": BOOKED,
            "transactions": [
                {"ref": "S4-1", "amount": 1, "reference": FI_REF, "payer": "A", "message": "m"},
                {"amount": Decimal("2.50"), "reference": RF_REF, "payer_iban": PAYER_IBAN},
                {"amount": 3},
            ],
        },
        payment(ref="S5", debit=True, payer="Asiantuntija", payer_iban=PAYER_IBAN),
        payment(ref="S6", reversal=True),
        payment(ref="S7", currency="USD"),
        payment(ref="S8", status="PDNG"),
        version=version,
    )


def xml_schema(version: str) -> etree.XMLSchema:
    return etree.XMLSchema(file=str(schema_path(f"{version}.xsd")))


@pytest.mark.schemas
@both_versions
def test_built_samples_follow_the_published_schema(version):
    data = sample(version)

    xml_schema(version).assertValid(etree.fromstring(data))
    notification = parse(data, schema_dir=schema_path(f"{version}.xsd").parent)
    assert len(notification.entries) == 6
    assert [s.code for s in notification.skipped] == ["debit", "reversal", "currency", "not_booked"]


@pytest.mark.schemas
@both_versions
def test_an_invalid_file_is_refused_when_a_schema_is_given(version):
    data = edited(notification_file(version=version), remove_all(".//c:BkTxCd"))
    schema_dir = schema_path(f"{version}.xsd").parent

    assert only(parse(data)).entry_reference  # the product's own checks do not need BkTxCd
    with pytest.raises(BankFileError) as error:
        parse(data, schema_dir=schema_dir)

    message = str(error.value)
    assert message.startswith(f"The file does not follow the {version} schema: Element ")
    assert "urn:iso" not in message  # the namespace is left out of the message
    assert "(line " in message
    assert message.endswith("Ask the bank for a new copy of the file.")


@pytest.mark.schemas
def test_the_v02_sample_parsed_back_equals_what_was_built():
    data = sample(V02)
    xml_schema(V02).assertValid(etree.fromstring(data))

    entries = parse(data).entries

    assert entries == [
        IncomingEntry("S1", Decimal("124.12"), "EUR", BOOKED, VALUE, FI_REF, "fi",
                      "Kaupungin sosiaalipalvelut", "FI7944052020036082", "", "structured"),
        IncomingEntry("S2", Decimal("124.12"), "EUR", BOOKED, BOOKED, RF_REF, "rf",
                      "Kaupungin sosiaalipalvelut", "", ("Koulutus " * 30).strip(), "structured"),
        IncomingEntry("S3", Decimal("124.12"), "EUR", BOOKED, None, FI_REF, "fi",
                      "Kaupungin sosiaalipalvelut", "", f"viite {FI_REF}", "text"),
        IncomingEntry("S4-1", Decimal("1.00"), "EUR", BOOKED, BOOKED, FI_REF, "fi", "A", "", "m",
                      "structured"),
        IncomingEntry("S4/2", Decimal("2.50"), "EUR", BOOKED, BOOKED, RF_REF, "rf", "",
                      "FI7944052020036082", "", "structured"),
        IncomingEntry("S4/3", Decimal("3.00"), "EUR", BOOKED, BOOKED, "", "", "", "", "", ""),
    ]  # fmt: skip
