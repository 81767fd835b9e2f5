"""Writing the open data to files, nightly (beat runs `publish_open_data_files`).

The files are under MEDIA_ROOT/open-data/ and are replaced whole: each is written to a
temporary name beside it and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from reporting.opendata import threesixtygiving

logger = logging.getLogger(__name__)

FILES = {
    "360giving.json": threesixtygiving.json_package,
    "360giving.csv": threesixtygiving.csv_rows,
}


def open_data_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "open-data"


def _write(path: Path, pieces: Iterable[str]) -> int:
    temporary = path.with_name(f".{path.name}.partial")
    size = 0
    with temporary.open("w", encoding="utf-8", newline="") as out:
        for piece in pieces:
            size += out.write(piece)
    os.replace(temporary, path)
    return size


def publish_open_data_files() -> dict[str, int]:
    """Write every open-data file afresh; answers each file's size in characters."""
    folder = open_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = {name: _write(folder / name, make()) for name, make in FILES.items()}
    logger.info("Open data written to %s: %s", folder, written)
    return written
