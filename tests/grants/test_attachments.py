"""Uploaded documents (rule 17): checked by content and size, stored under random names,
served only to those who may see the application."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.models import Attachment
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _docx(with_document: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _upload(user, application, name, content, kind="constitution"):
    return client_for(user).post(
        f"/api/v1/applications/{application.pk}/attachments/",
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("constitution.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("scan.jpeg", JPEG, "image/jpeg"),
        (
            "policy.docx",
            _docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_pdf_jpeg_png_and_docx_are_accepted_under_a_random_name(
    applicant, draft, settings, name, content, content_type
):
    response = _upload(applicant, draft, name, content)
    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get()
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert name.rsplit(".", 1)[0] not in stored.name
    assert stored.read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("constitution.pdf", EXE),  # an executable renamed .pdf
        ("notes.docx", _docx(with_document=False)),  # a zip that is not a Word document
        ("notes.pdf", b"just some text pretending"),
    ],
)
def test_a_file_is_judged_by_its_content_not_its_name(applicant, draft, settings, name, content):
    response = _upload(applicant, draft, name, content)
    assert response.status_code == 400
    body = response.json()
    assert body["rule"] == "grants.upload_type_and_size"
    assert "whatever its name says" in body["message"]
    assert not Attachment.objects.exists()
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_an_oversized_file_is_refused_and_nothing_saved(applicant, draft, settings):
    settings.GRANTS_MAX_UPLOAD_BYTES = 2048
    response = _upload(applicant, draft, "big.pdf", PDF + b"0" * 4096)
    assert response.status_code == 400
    assert response.json()["rule"] == "grants.upload_type_and_size"
    assert "at most" in response.json()["message"]
    assert not Attachment.objects.exists()


def test_documents_are_added_only_to_drafts(applicant, draft):
    client_for(applicant).post(f"/api/v1/applications/{draft.pk}/submit/")
    response = _upload(applicant, draft, "late.pdf", PDF)
    assert response.status_code == 409
    assert not Attachment.objects.exists()


def test_download_is_permission_checked(applicant, other_applicant, commissioner, draft):
    _upload(applicant, draft, "constitution.pdf", PDF)
    attachment = Attachment.objects.get()
    url = f"/api/v1/applications/{draft.pk}/attachments/{attachment.pk}/download/"
    response = client_for(applicant).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="constitution.pdf"' in response["Content-Disposition"]
    assert client_for(commissioner).get(url).status_code == 200
    assert client_for(other_applicant).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 401


def test_a_required_document_counts_once_uploaded(applicant, draft, programme):
    programme.required_documents = ["bank_statement"]
    programme.save()
    response = client_for(applicant).post(f"/api/v1/applications/{draft.pk}/submit/")
    assert [p["code"] for p in response.json()["problems"]] == ["document_missing"]
    _upload(applicant, draft, "statement.pdf", PDF, kind="bank_statement")
    response = client_for(applicant).post(f"/api/v1/applications/{draft.pk}/submit/")
    assert response.status_code == 200, response.json()
