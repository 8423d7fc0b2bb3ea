"""Bulk import of experts from CSV or Excel: upload, preview (a dry run), confirm.

Nothing is written unless every row is valid: the confirmed run happens in one transaction
and is rolled back whole if any row fails. Each imported expert gets an invitation, sent when
the transaction commits. The uploaded file holds identity codes and bank accounts, so it is kept
encrypted in the database until it is imported or discarded, and a periodic task empties what
was left waiting.
"""

from __future__ import annotations

import base64
import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath

import tablib
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import Result

from expertbank.models import User
from expertbank.services.audit import audit_record
from experts.models import ExpertImport
from experts.resources import (
    IMPORT_COLUMN_NAMES,
    IMPORT_COLUMNS,
    REQUIRED_COLUMNS,
    ExpertImportResource,
    import_row_summary,
)
from experts.services.pool import ExpertError

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024
# A bank has 60–300 experts; a larger pool is imported in parts, each one request.
MAX_ROWS = 1000
LEFT_WAITING = timedelta(days=1)


class ImportFileError(ExpertError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass
class PreviewRow:
    line: int  # the line in the file, header being line 1, as a spreadsheet shows it
    summary: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass
class ImportOutcome:
    rows: list[PreviewRow]
    file_errors: list[str]
    imported: bool = False

    @property
    def valid_count(self) -> int:
        return sum(row.valid for row in self.rows)

    @property
    def invalid_count(self) -> int:
        return len(self.rows) - self.valid_count

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.file_errors and self.invalid_count == 0


# --- Reading a file ------------------------------------------------------------------------


def import_format_for(file_name: str) -> str:
    suffix = PurePath(file_name or "").suffix.lower().lstrip(".")
    if suffix in ExpertImport.Format.values:
        return suffix
    if suffix == "xls":
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read. Save the file as .xlsx and try again.")
        )
    raise ImportFileError(_("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))


def _normal_header(value) -> str:
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def _not_text() -> str:
    return _("The file is not a text file. Save it as CSV (UTF-8) and try again.")


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_not_text())


def _read_csv(content: bytes) -> tablib.Dataset:
    text = _decode(content)
    if "\x00" in text:
        raise ImportFileError(
            _("The file is not a text file. Save it as CSV (UTF-8) and try again.")
        )
    first_line = text.split("\n", 1)[0]
    # Excel in Finnish and Swedish saves CSV with semicolons.
    delimiter = max([";", ",", "\t"], key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file is broken (%(error)s). Save it again and try again.") % {"error": exc}
        ) from exc
    dataset = tablib.Dataset()
    if not rows:
        return dataset
    width = len(rows[0])
    dataset.headers = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            raise ImportFileError(
                _("Line %(line)s has more cells than the header line has columns.")
                % {"line": number}
            )
        dataset.append((row + [""] * width)[:width])
    return dataset


def _read_xlsx(content: bytes) -> tablib.Dataset:
    try:
        dataset = XLSX().create_dataset(content)
    except StopIteration:
        return tablib.Dataset()
    except Exception as exc:  # openpyxl and zipfile raise many kinds for a file that is not xlsx
        logger.info("Unreadable xlsx upload: %r", exc)
        raise ImportFileError(
            _("The file cannot be read as an Excel workbook (.xlsx). Check the file and try again.")
        ) from exc
    return dataset


def dataset_read(*, content: bytes, file_format: str) -> tablib.Dataset:
    """The rows of an uploaded file with normalised column names; a file that cannot be used
    raises ``ImportFileError`` saying why."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is too large: at most %(size)s MB.") % {"size": MAX_FILE_BYTES // 2**20}
        )
    raw = _read_xlsx(content) if file_format == ExpertImport.Format.XLSX else _read_csv(content)
    headers = [_normal_header(header) for header in raw.headers or []]
    keep = [
        index
        for index, header in enumerate(headers)
        if header or any(str(row[index] or "").strip() for row in raw)
    ]
    headers = [headers[index] for index in keep]
    if not headers:
        raise ImportFileError(
            _("The file is empty. Use the template: the first line names the columns.")
        )
    if "" in headers:
        raise ImportFileError(
            _("Column %(number)s has no name on the first line.")
            % {"number": keep[headers.index("")] + 1}
        )
    unknown = [header for header in headers if header not in IMPORT_COLUMN_NAMES]
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(IMPORT_COLUMN_NAMES)}
        )
    repeated = sorted({header for header in headers if headers.count(header) > 1})
    if repeated:
        raise ImportFileError(
            _("These columns appear twice: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in headers]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s. Use the template.")
            % {"columns": ", ".join(missing)}
        )
    dataset = tablib.Dataset(headers=headers)
    for row in raw:
        dataset.append([row[index] for index in keep])
    if not len(dataset):
        raise ImportFileError(_("The file has no rows of experts under the column names."))
    if len(dataset) > MAX_ROWS:
        raise ImportFileError(
            _("At most %(count)s experts in one file. Split the file and import each part.")
            % {"count": MAX_ROWS}
        )
    return dataset


def import_template(*, file_format: str) -> bytes:
    """An empty file with the column names on the first line."""
    dataset = tablib.Dataset(headers=[column.name for column in IMPORT_COLUMNS])
    if file_format == ExpertImport.Format.XLSX:
        return XLSX().export_data(dataset)
    return ("\ufeff" + CSV().export_data(dataset)).encode("utf-8")


# --- Upload, preview, confirm ---------------------------------------------------------------


def _content(upload: ExpertImport) -> bytes:
    return base64.b64decode(upload.content.encode("ascii"))


@transaction.atomic(durable=True)
def expert_import_stage(*, file_name: str, content: bytes, by: User) -> ExpertImport:
    """Keep an uploaded file (encrypted) for its preview; a file that cannot be read is
    refused at once and nothing is kept."""
    file_format = import_format_for(file_name)
    dataset = dataset_read(content=content, file_format=file_format)
    return ExpertImport.objects.create(
        uploaded_by=by,
        file_name=PurePath(file_name).name[:200],
        file_format=file_format,
        content=base64.b64encode(content).decode("ascii"),
        row_count=len(dataset),
    )


def _outcome(result: Result) -> ImportOutcome:
    rows = []
    for row_result in result.rows:
        row = getattr(row_result, "instance", None)
        errors = []
        if row_result.validation_error is not None:
            for name, messages in row_result.validation_error.message_dict.items():
                column = "" if name == "__all__" else name
                errors += [(column, message) for message in messages]
        for error in row_result.errors:
            logger.error("Expert import row failed", exc_info=error.error)
            errors.append(("", _("This row could not be imported because of an unexpected error.")))
        summary = import_row_summary(row) if row is not None else {}
        if not summary.get("name") and row_result.row_values:
            summary["name"] = str(row_result.row_values.get("full_name") or "")
            summary["email"] = str(row_result.row_values.get("email") or "")
        rows.append(PreviewRow(line=row_result.number + 1, summary=summary, errors=errors))
    file_errors = []
    for error in result.base_errors:
        logger.error("Expert import failed", exc_info=error.error)
        file_errors.append(_("The file could not be imported because of an unexpected error."))
    return ImportOutcome(rows=rows, file_errors=file_errors)


def _run(upload: ExpertImport, *, by: User, dry_run: bool) -> ImportOutcome:
    dataset = dataset_read(content=_content(upload), file_format=upload.file_format)
    resource = ExpertImportResource(by=by)
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    return _outcome(result)


def expert_import_preview(*, upload: ExpertImport, by: User) -> ImportOutcome:
    """A dry run: every row checked, every error listed, nothing written."""
    if upload.status != ExpertImport.Status.PREVIEWED:
        raise ExpertError(_("This file has already been handled. Upload it again if needed."))
    with transaction.atomic(durable=True):
        outcome = _run(upload, by=by, dry_run=True)
        transaction.set_rollback(True)
    return outcome


@transaction.atomic(durable=True)
def expert_import_confirm(*, upload: ExpertImport, by: User) -> ImportOutcome:
    """Import every row, or none: any row that fails rolls the whole file back."""
    upload = ExpertImport.objects.select_for_update().get(pk=upload.pk)
    if upload.status != ExpertImport.Status.PREVIEWED:
        raise ExpertError(_("This file has already been handled. Upload it again if needed."))
    sid = transaction.savepoint()
    outcome = _run(upload, by=by, dry_run=False)
    if not outcome.ok:
        transaction.savepoint_rollback(sid)
        return outcome
    transaction.savepoint_commit(sid)
    upload.status = ExpertImport.Status.IMPORTED
    upload.content = ""
    upload.finished_at = timezone.now()
    upload.imported_count = outcome.valid_count
    upload.save(update_fields=["status", "content", "finished_at", "imported_count"])
    audit_record(
        obj=upload,
        actor=by,
        action="imported",
        changes={"experts": ["", str(outcome.valid_count)]},
    )
    outcome.imported = True
    return outcome


@transaction.atomic(durable=True)
def expert_import_discard(*, upload: ExpertImport, by: User | None) -> None:
    upload = ExpertImport.objects.select_for_update().get(pk=upload.pk)
    if upload.status != ExpertImport.Status.PREVIEWED:
        return
    upload.status = ExpertImport.Status.DISCARDED
    upload.content = ""
    upload.finished_at = timezone.now()
    upload.save(update_fields=["status", "content", "finished_at"])


@transaction.atomic(durable=True)
def expert_imports_purge(*, now=None) -> int:
    """Empty the files left waiting for confirmation longer than a day."""
    now = now or timezone.now()
    return ExpertImport.objects.filter(
        status=ExpertImport.Status.PREVIEWED, uploaded_at__lt=now - LEFT_WAITING
    ).update(status=ExpertImport.Status.DISCARDED, content="", finished_at=now)
