"""Files as LibreOffice writes them: `soffice --headless --convert-to`, as in CI.

Starting LibreOffice costs seconds, so a test converts all its files in one call. It runs
with its own profile directory, so that runs in parallel (or a desktop session) do not
share a lock."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SOFFICE_MISSING = (
    "LibreOffice (soffice) is needed to write the test files as offices save them: "
    "apt-get install libreoffice-calc-nogui (make test installs it when it can)."
)


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, SOFFICE_MISSING
    return found


def convert(sources: list[Path], target: str, outdir: Path) -> list[Path]:
    """Each source converted to `target` ("xlsx", "xls", or a filter spec such as
    'csv:"Text - txt - csv (StarCalc)":44,34,76'); returns the converted paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    extension = target.split(":", 1)[0]
    converted = [outdir / f"{source.stem}.{extension}" for source in sources]
    missing = [str(p) for p in converted if not p.is_file()]
    assert not missing, f"LibreOffice did not write {missing}"
    return converted
