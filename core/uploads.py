"""Checking uploaded evidence files (photos and documents) the same way everywhere: by
content, not by name, by size and by image dimensions; and cleaning their names."""

from __future__ import annotations

import re
import unicodedata
import warnings
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

IMAGE, PDF = "image", "pdf"

# (leading bytes, content type, kind)
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", IMAGE),
    (b"\x89PNG\r\n\x1a\n", "image/png", IMAGE),
    (b"%PDF-", "application/pdf", PDF),
)
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
# Pillow's decoder for each sniffed image type: no other decoder gets to parse the file.
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}

# 80 MP admits full-resolution photos of 50 and 64 MP phone sensors (9248×6936; 108/200 MP
# modes mostly exceed the size limit anyway), yet a browser showing one as a thumbnail
# decodes at most ~320 MB; a 65535×65535 header would ask for 17 GB. It stays below
# Pillow's own 89.5 MP warning, so the message gives width×height, not just a total.

# Names are shown in lists and sent in Content-Disposition: no bidi overrides
# (会议记录\u202egpj.exe shows as 会议记录exe.jpg), zero-width or line-breaking characters.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
DEFAULT_FILE_NAME = "附件"  # stored data, not a message: the same in every language
_EXTENSION = re.compile(r"\.[^.\s]{1,16}$")


def clean_file_name(name: str | None, max_length: int = 200) -> str:
    """The uploaded name as it may be stored and shown: without control/format characters
    or folders, NFC, at most `max_length` characters with its extension kept."""
    text = "".join(c for c in name or "" if unicodedata.category(c) not in _HIDDEN_CATEGORIES)
    text = unicodedata.normalize("NFC", text)
    # Browsers on Windows may send a whole path; only the last part is the file's name.
    text = re.split(r"[\\/]", text)[-1].strip()
    match = _EXTENSION.search(text)
    extension = match.group() if match else ""
    stem = text[: len(text) - len(extension)].strip()
    if not stem.strip("."):
        stem = DEFAULT_FILE_NAME
    # Keep the beginning: it is what people recognise (a date, a meeting's name).
    stem = stem[: max(max_length - len(extension), 1)].rstrip()
    return (stem + extension)[:max_length]


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, kind) from the file's first bytes, whatever its name says."""
    for signature, content_type, kind in SIGNATURES:
        if head.startswith(signature):
            return content_type, kind
    return None


def upload_errors(upload: Any) -> tuple[list[str], tuple[str, str] | None]:
    """Chinese messages for a file that is not an accepted image/PDF or too large, and
    otherwise its (content type, kind)."""
    limit = settings.ATTACHMENT_MAX_SIZE
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
    if found[1] == IMAGE:
        problems = image_errors(upload, found[0])
        if problems:
            return problems, None
    return [], found


def image_errors(upload: Any, content_type: str) -> list[str]:
    """Chinese messages for an image whose header Pillow cannot read or that declares more
    pixels than ATTACHMENT_MAX_IMAGE_PIXELS. Only the header is read, never the pixels."""
    limit = settings.ATTACHMENT_MAX_IMAGE_PIXELS
    # Above Pillow's own limit its warning (made an error below) decides: say that limit.
    limit = min(limit, Image.MAX_IMAGE_PIXELS or limit)
    name = upload.name
    upload.seek(0)
    try:
        # Pillow warns between its limit and twice it, and raises beyond: both refuse.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[PILLOW_FORMATS[content_type]]) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow says only the total ("Image size (N pixels) exceeds ...").
        declared = re.search(r"\((\d+) pixels\)", str(exc))
        if declared is None:
            return [
                _("图片“%(name)s”的尺寸超过上限 %(limit)d 万像素。")
                % {"name": name, "limit": limit // 10_000}
            ]
        pixels = int(declared.group(1))
        return [
            _(
                "图片“%(name)s”声明有 %(pixels)s 像素（约 %(wan)d 万像素），"
                "超过上限 %(limit)d 万像素。"
            )
            % {
                "name": name,
                "pixels": f"{pixels:,}",
                "wan": pixels // 10_000,
                "limit": limit // 10_000,
            }
        ]
    except Exception:  # whatever the parser trips on, the file is not a readable image
        return [_("“%(name)s”无法作为图片读取（文件已损坏或不完整）。") % {"name": name}]
    finally:
        upload.seek(0)
    if width * height > limit:
        return [
            _(
                "图片“%(name)s”为 %(width)d×%(height)d 像素（约 %(wan)d 万像素），"
                "超过上限 %(limit)d 万像素，请缩小后再上传。"
            )
            % {
                "name": name,
                "width": width,
                "height": height,
                "wan": width * height // 10_000,
                "limit": limit // 10_000,
            }
        ]
    return []


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
        # Also for names stored before clean_file_name existed.
        filename=clean_file_name(stored.original_name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
