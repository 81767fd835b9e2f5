"""Adding supporting documents to a draft application."""

from __future__ import annotations

from django.db import transaction

from alliance.models import User
from config.errors import Conflict
from grants.access import require_applicant
from grants.history import record_event
from grants.models import Application, ApplicationStatus, Attachment
from grants.services.locks import lock_application
from grants.uploads import check_upload


def attachment_add(*, application: Application, by: User, kind: str, upload) -> Attachment:
    require_applicant(by, application.organisation_id, "add documents to this application")
    content_type, extension = check_upload(upload)
    original_name = (getattr(upload, "name", "") or "document")[-200:]
    # The stored name is random (see attachment_path); only the checked extension is kept.
    upload.name = f"upload.{extension}"
    stored = None
    try:
        with transaction.atomic():
            locked = lock_application(application.pk)
            if locked.status != ApplicationStatus.DRAFT:
                raise Conflict(
                    "Documents can be added only while the application is a draft.",
                    rule="grants.only_drafts_change",
                )
            attachment = Attachment(
                application=locked,
                kind=kind,
                file=upload,
                original_name=original_name,
                content_type=content_type,
                size=upload.size,
                uploaded_by=by,
            )
            attachment._history_user = by
            attachment.save()
            stored = attachment.file.name
            record_event(
                application=locked,
                action="document_added",
                by=by,
                comment=f"{attachment.get_kind_display()}: {original_name}",
            )
    except Exception:
        # The row rolled back; the file written during save must not linger on disk.
        if stored:
            Attachment.file.field.storage.delete(stored)
        raise
    return attachment
