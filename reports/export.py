"""Every table of the dashboards as CSV or XLSX, with spreadsheet formulas made plain text.

A :class:`Table` is what a page shows and what a file holds: a title, column names and rows of
plain values (text, numbers, ``Decimal``, dates). ``export_response`` answers ``?format=csv`` or
``?format=xlsx``; a cell of text that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading ``'`` so that it stays
text (CSV/formula injection). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import force_str

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE, "pdf": "application/pdf"}


@dataclass
class Table:
    """A titled table: ``headers`` name the columns, each row holds one value per column."""

    title: str
    headers: Sequence[Any]
    rows: list[Sequence[Any]] = field(default_factory=list)
    slug: str = "table"

    def plain_headers(self) -> list[str]:
        return [force_str(h) for h in self.headers]


def neutralise(value: Any) -> Any:
    """The cell value, text that a spreadsheet would run as a formula prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return force_str(value)
    if isinstance(value, int | float | Decimal | date | datetime):
        return value
    text = force_str(value)
    if text.startswith(FORMULA_STARTS):
        return f"'{text}"
    return text


def _plain_cell(value: Any) -> Any:
    value = neutralise(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def csv_bytes(table: Table) -> bytes:
    """The table as UTF-8 CSV with a byte order mark (so that Excel reads ä and ö right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in table.plain_headers()])
    for row in table.rows:
        writer.writerow([_plain_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", force_str(title)).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def xlsx_bytes(tables: Iterable[Table]) -> bytes:
    """The tables as one XLSX workbook, each on a sheet of its own named by its title."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title, taken))
        sheet.append([neutralise(h) for h in table.plain_headers()])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_plain_cell(cell) for cell in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.data_type == "f":  # never a formula, whatever openpyxl guessed
                    cell.data_type = "s"
        for column in sheet.columns:
            width = max((len(force_str(c.value or "")) for c in column), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    if not book.sheetnames:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def wanted_format(request) -> str | None:
    """``csv`` or ``xlsx`` when the request asks for a file (``?format=``), else None."""
    value = request.GET.get("format", "")
    return value if value in FORMATS else None


def file_response(*, content: bytes, basename: str, file_format: str) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    content_type = CONTENT_TYPES[file_format]
    response = HttpResponse(content, content_type=content_type)
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", basename).strip("-") or "report"
    response["Content-Disposition"] = f'attachment; filename="{safe}-{stamp}.{file_format}"'
    return response


def export_response(*, tables: Sequence[Table], file_format: str, basename: str) -> HttpResponse:
    """The tables as a download: XLSX holds every table; CSV holds the first one."""
    if file_format == "xlsx":
        content = xlsx_bytes(tables)
    else:
        content = csv_bytes(tables[0]) if tables else csv_bytes(Table("", []))
    return file_response(content=content, basename=basename, file_format=file_format)
