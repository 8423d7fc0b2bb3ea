"""The dependency rule is checked, not only kept: ``lint-imports`` (run by ``make test``) passes
on the project and fails as soon as a module imports upwards."""

import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint() -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_the_project_keeps_every_contract():
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_test_command():
    probe = ROOT / "experts" / f"_probe_{uuid.uuid4().hex}.py"
    probe.write_text("import bookings.models  # noqa: F401\n")
    try:
        result = _lint()
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert "imports neither training, bookings nor invoicing BROKEN" in result.stdout
