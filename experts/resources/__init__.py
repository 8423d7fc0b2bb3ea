"""The file formats of the expert pool (django-import-export): the import and the export.

Columns have stable names in every language (``email``, ``full_name``, ``areas``…), so one file
template serves every coordinator; values may be written the way people write them (``kyllä``,
``24.11.2026``, area names in Finnish, Swedish or English).
"""

from experts.resources.exports import EXPORT_COLUMNS, ExpertExportResource
from experts.resources.imports import (
    IMPORT_COLUMN_NAMES,
    IMPORT_COLUMNS,
    REQUIRED_COLUMNS,
    ExpertImportResource,
    ImportRow,
    import_row_summary,
)

__all__ = [
    "EXPORT_COLUMNS",
    "IMPORT_COLUMNS",
    "IMPORT_COLUMN_NAMES",
    "REQUIRED_COLUMNS",
    "ExpertExportResource",
    "ExpertImportResource",
    "ImportRow",
    "import_row_summary",
]
