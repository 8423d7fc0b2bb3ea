"""Tables as CSV and XLSX files: content right, formulas never run."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from reports.export import Table, csv_bytes, neutralise, xlsx_bytes

HOSTILE = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "plain"]


def _table():
    return Table(
        "Hours: by month / 2026",
        ["Name", "Hours"],
        [[text, Decimal("1.5")] for text in HOSTILE] + [["Ääliö Öljy", -3]],
    )


def test_text_that_a_spreadsheet_would_run_is_prefixed_with_a_quote():
    assert [neutralise(t) for t in HOSTILE] == [
        "'=1+2",
        "'+SUM(A1)",
        "'-2+3",
        "'@cmd",
        "'\tTAB",
        "'\rCR",
        "plain",
    ]
    assert neutralise(-3) == -3
    assert neutralise(Decimal("-1.25")) == Decimal("-1.25")
    assert neutralise(None) == ""


def test_the_csv_holds_the_rows_with_formulas_neutralised():
    content = csv_bytes(_table())
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Name", "Hours"]
    assert [r[0] for r in rows[1:8]] == [f"'{t}" for t in HOSTILE[:6]] + ["plain"]
    assert rows[1][1] == "1.5"
    assert rows[-1] == ["Ääliö Öljy", "-3"]


def test_the_xlsx_has_a_sheet_per_table_and_no_formula():
    book = load_workbook(io.BytesIO(xlsx_bytes([_table(), Table("Second", ["A"], [["=x"]])])))
    assert book.sheetnames == ["Hours  by month   2026", "Second"]
    sheet = book.worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Name", "Hours"]
    assert values[1] == ["'=1+2", 1.5]
    assert values[-1] == ["Ääliö Öljy", -3]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    assert book.worksheets[1]["A2"].value == "'=x"
