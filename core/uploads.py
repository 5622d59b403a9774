"""Checking uploaded evidence files (photos and documents) the same way everywhere: by
content, not by name, and by size."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

IMAGE, PDF = "image", "pdf"

# (leading bytes, content type, kind)
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", IMAGE),
    (b"\x89PNG\r\n\x1a\n", "image/png", IMAGE),
    (b"%PDF-", "application/pdf", PDF),
)
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, kind) from the file's first bytes, whatever its name says."""
    for signature, content_type, kind in SIGNATURES:
        if head.startswith(signature):
            return content_type, kind
    return None


def upload_errors(upload: Any) -> tuple[list[str], tuple[str, str] | None]:
    """Chinese messages for a file that is not an accepted image/PDF or too large, and
    otherwise its (content type, kind)."""
    limit = getattr(settings, "ATTACHMENT_MAX_SIZE", 10 * 1024 * 1024)
    if upload.size > limit:
        return [
            _("文件超过 %(mb)d MB（现为 %(size).1f MB）。")
            % {"mb": limit // (1024 * 1024), "size": upload.size / (1024 * 1024)}
        ], None
    if upload.size == 0:
        return [_("文件是空的。")], None
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        return [
            _("“%(name)s”不是 JPEG、PNG 图片或 PDF 文件（按文件内容判断，不看扩展名）。")
            % {"name": upload.name}
        ], None
    return [], found


def file_response(request: Any, stored: Any) -> Any:
    """Serve an evidence file the caller has already found within the user's scope: the
    type as sniffed on upload, never guessed by the browser, never cached by proxies."""
    from django.http import FileResponse, Http404

    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=stored.content_type,
        as_attachment=request.GET.get("download") == "1",
        filename=stored.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
