"""Checking uploaded files by their content, not their name (rule 17).

Allowed: PDF, JPEG, PNG and DOCX, up to GRANTS_MAX_UPLOAD_BYTES. A DOCX is a zip file, so
it is accepted only if it holds word/document.xml. An executable renamed `.pdf` is seen
for what it is and refused.
"""

from __future__ import annotations

import zipfile

import filetype
from django.conf import settings

from config.errors import RuleBroken

ALLOWED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# How many bytes filetype needs to recognise any of these kinds.
HEAD_BYTES = 8192


def _refuse(message: str) -> RuleBroken:
    return RuleBroken(message, rule="grants.upload_type_and_size", fields={"file": [message]})


def check_upload(upload) -> tuple[str, str]:
    """Answer (content type, extension) for an acceptable file; refuse anything else."""
    limit = settings.GRANTS_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise _refuse(
            f"This file is {upload.size / 1_048_576:.1f} MB; files can be at most "
            f"{limit / 1_048_576:.0f} MB. Try a smaller scan or a PDF."
        )
    if upload.size == 0:
        raise _refuse("This file is empty.")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime == "application/zip" or (mime and mime.startswith("application/vnd.openxml")):
        mime = DOCX if _is_docx(upload) else None
    if mime not in ALLOWED:
        raise _refuse(
            "This file is not a PDF, JPEG, PNG or Word (.docx) document, whatever its name "
            "says. Please save it as one of those and upload it again."
        )
    return mime, ALLOWED[mime]


def _is_docx(upload) -> bool:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        upload.seek(0)
