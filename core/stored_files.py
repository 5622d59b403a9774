"""Evidence files (meeting photos, venue project documents, list item evidence): one
abstract model for the six fields they share and one way to store and delete them.

Files are written before their rows, so a write that fails must remove what it stored:
`store_file` records every stored file in the caller's `stored` list and
`delete_stored_files` removes them; `guarded_write` does both around a transaction. A
row deleted for good takes its file with it once the transaction commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .uploads import EXTENSIONS, clean_file_name, upload_errors


class StoredFile(models.Model):
    """The shared fields of an uploaded evidence file; served only through a view that
    checks the user's scope (core.uploads.file_response)."""

    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


def stored_name(folder: str, owner_id: Any, content_type: str) -> str:
    """Where an evidence file is written: a random name in its owner's folder, with the
    extension of the type sniffed from its content (never the uploader's file name)."""
    extension = EXTENSIONS.get(content_type, "bin")
    return f"{folder}/{owner_id}/{uuid.uuid4().hex}.{extension}"


def store_file(
    stored_file: StoredFile,
    upload: Any,
    *,
    user: Any,
    content_type: str = "",
    stored: list | None = None,
) -> StoredFile:
    """Fill the shared fields of `stored_file` (an unsaved row of a StoredFile model) from
    `upload`, write the file and save the row. The type is the one sniffed from the
    content (checked before with core.uploads.upload_errors), never the browser's; the
    written file is appended to `stored` so that a failed write can remove it."""
    if not content_type:
        _problems, found = upload_errors(upload)
        content_type = found[0] if found else "application/octet-stream"
    stored_file.original_name = clean_file_name(upload.name)
    stored_file.content_type = content_type
    stored_file.size = upload.size
    stored_file.uploaded_by = user
    stored_file.file.save("upload", upload, save=False)
    if stored is not None:
        stored.append(stored_file.file)
    stored_file.save()
    return stored_file


def delete_stored_files(files: Iterable[Any]) -> None:
    """Remove files written by a write that then failed."""
    for field_file in files:
        field_file.storage.delete(field_file.name)


def guarded_write(write: Callable[[list], Any]) -> Any:
    """Run `write(stored)` in a transaction; if it fails, delete the files it stored, so
    a failed write leaves neither rows nor files behind."""
    stored: list = []
    try:
        with transaction.atomic():
            return write(stored)
    except BaseException:
        delete_stored_files(stored)
        raise


def delete_file_row(stored_file: StoredFile) -> None:
    """Delete the row; its file goes once the deletion is committed (a rolled-back
    deletion keeps both)."""
    name = stored_file.file.name
    storage = stored_file.file.storage
    stored_file.delete()
    transaction.on_commit(lambda: storage.delete(name))
