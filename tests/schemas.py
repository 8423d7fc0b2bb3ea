"""The published XML schemas that tests validate against, read where they live, never copied in.

They are in the team's ``shared/schemas`` folder, beside the project (``../shared/schemas``):
found at ``$SHARED_SCHEMAS_DIR`` when that is set, else as ``shared/schemas`` in the project's
parent folder or the two folders above it. A test that needs them is marked
``@pytest.mark.schemas``; the root conftest deselects it, with a message, where the folder is
absent (a clone outside this team's machines). CI always has the folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENT_VARIABLE = "SHARED_SCHEMAS_DIR"


def schemas_dir() -> Path | None:
    """The ``shared/schemas`` folder, or None where it is absent."""
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured:
        folder = Path(configured)
        return folder if folder.is_dir() else None
    for parent in PROJECT_ROOT.parents[:3]:
        folder = parent / "shared" / "schemas"
        if folder.is_dir():
            return folder
    return None


def schema_path(name: str) -> Path | None:
    """The schema file ``name`` (e.g. ``"camt.054.001.02.xsd"``), or None where it is absent."""
    folder = schemas_dir()
    if folder is None:
        return None
    path = folder / name
    return path if path.is_file() else None
