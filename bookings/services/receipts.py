"""Receipts: what may be uploaded, told from the file's first bytes rather than its name.

A receipt is a PDF, a JPEG, a PNG or a HEIC photo (what phones take) of at most 5 MB. The type
is sniffed from the content, so a renamed program or web page is refused whatever its name says;
the stored name is random and carries the sniffed type's suffix (``models.reports._receipt_path``).
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from bookings.models.reports import RECEIPT_TYPES

MAX_RECEIPT_BYTES = 5 * 1024 * 1024

# ISO base media file brands of HEIF/HEIC images (bytes 8–12 after "ftyp").
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


class ReceiptError(ValueError):
    """The upload is not an acceptable receipt; the message says what to do."""


def sniff(head: bytes) -> str | None:
    """The content type of a receipt from its first bytes, or None if it is not one we take."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "image/heic"
    return None


def receipt_check(upload: UploadedFile) -> str:
    """The sniffed content type of ``upload``; ``ReceiptError`` if too big or of another type."""
    if upload.size is not None and upload.size > MAX_RECEIPT_BYTES:
        raise ReceiptError(
            _("The file %(name)s is too big (%(size)s). A receipt can be at most %(max)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(MAX_RECEIPT_BYTES),
            }
        )
    if not upload.size:
        raise ReceiptError(_("The file %(name)s is empty.") % {"name": upload.name})
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    content_type = sniff(head)
    if content_type not in RECEIPT_TYPES:
        raise ReceiptError(
            _(
                "The file %(name)s is not a PDF or a photo. Send the receipt as a PDF, JPEG, PNG "
                "or HEIC file."
            )
            % {"name": upload.name}
        )
    return content_type


def download_name(*, number: int, content_type: str) -> str:
    """The name a receipt is downloaded under: its number and the suffix of the type sniffed
    when it was uploaded, never the uploader's name (``kuitti.pdf.html`` must not come back as
    a web page)."""
    return f"receipt-{number}.{RECEIPT_TYPES.get(content_type, 'bin')}"


def shown_name(upload: UploadedFile) -> str:
    """The uploader's file name, made safe to show (the download is named by ``download_name``)."""
    try:
        name = get_valid_filename(upload.name or "")
    except Exception:  # SuspiciousFileOperation for names like ".."
        name = ""
    return name[-200:] or "receipt"
