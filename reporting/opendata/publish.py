"""Writing the open data to files, nightly (beat runs `publish_open_data_files`).

The files are under MEDIA_ROOT/open-data/ and are replaced whole: each is written to a
temporary name beside it and renamed, so a reader never sees half a file. When no grant can
be published (none awarded yet, or every one withheld) there is no valid 360Giving package:
the files are removed, as the endpoints answer 404, so that yesterday's file never goes on
listing a grant that has since been withheld.
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
    try:
        with temporary.open("w", encoding="utf-8", newline="") as out:
            for piece in pieces:
                size += out.write(piece)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, path)
    return size


def publish_open_data_files() -> dict[str, int]:
    """Write every open-data file afresh; answers each file's size in characters (0 for a
    file removed because no grant can be published)."""
    folder = open_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, make in FILES.items():
        try:
            written[name] = _write(folder / name, make())
        except threesixtygiving.NothingToPublish as empty:
            (folder / name).unlink(missing_ok=True)
            written[name] = 0
            logger.info("Open data file %s removed: %s", name, empty.message)
    logger.info("Open data written to %s: %s", folder, written)
    return written
