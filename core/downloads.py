"""The one way a page hands the user a file it has made (an export, a template, a PDF)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def download_response(content: bytes, filename: str, content_type: str = "") -> HttpResponse:
    """`content` as an attachment named `filename` (Chinese names reach the browser intact,
    RFC 6266); the type follows the extension unless given. Files made for one user hold
    personal data: never cached by a proxy, never sniffed as another type."""
    if not content_type:
        content_type = CONTENT_TYPES.get(filename.rsplit(".", 1)[-1].lower(), "")
    response = HttpResponse(content, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
