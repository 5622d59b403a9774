"""HTML → PDF with WeasyPrint, fenced in: only the portal's own static files are fetched,
and a Chinese font must be installed before anything is rendered.

Why a fetcher of our own: WeasyPrint's default fetcher opens any `file://` path and any
`http(s)://` address a document names. A bulletin is built from data staff and secretaries
typed in; the template escapes it, and the fetcher makes sure that even a mistake in a
template can never read a file of the server or reach the network.

Decisions:
- Documents use `PORTAL_BASE_URL` (an address in the reserved `.invalid` domain, which no
  resolver answers) as their base, so `{% static %}` paths become
  `https://portal.invalid/static/...`; exactly those are served, from the static files
  finders (STATICFILES_DIRS, app static folders) or STATIC_ROOT, never via the network.
- Everything else is refused: `file:`, other hosts, `http(s)` in general, and `data:` too
  (charts are inline SVG elements, so the bulletin needs no data URIs; refusing them keeps
  a pasted `data:image/svg+xml,...` with its own references out of the renderer).
- A refusal stops the rendering (`FatalURLFetchingError`): an unexpected fetch means a
  template bug or an injection, and a bulletin silently missing its stylesheet is worse
  than a visible failure.

Importing WeasyPrint takes over a second: web code imports this module only when it renders.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.ffi import ffi, fontconfig
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

PORTAL_BASE_URL = "https://portal.invalid/"
CJK_FAMILY = "Noto Sans CJK SC"
FONT_PACKAGE = "fonts-noto-cjk"
#: what a bulletin may load: its stylesheet and images
SERVED_TYPES = frozenset({"text/css", "image/png", "image/jpeg", "image/svg+xml", "image/gif"})


class PdfError(Exception):
    """A bulletin cannot be rendered; the message is Chinese and shown to the user."""


class FontMissingError(PdfError):
    pass


class ResourceRefusedError(PdfError):
    pass


class RefusedFetch(FatalURLFetchingError):
    """Raised inside WeasyPrint so that the rendering stops instead of skipping the
    resource (WeasyPrint swallows ordinary exceptions of a fetcher)."""


def static_root_url(base_url: str = PORTAL_BASE_URL) -> str:
    return base_url.rstrip("/") + "/" + settings.STATIC_URL.lstrip("/")


def resolve_static(relative: str) -> Path | None:
    """The file a static path names, or None; never anything outside the static folders."""
    if not relative or "\\" in relative or "\x00" in relative or relative.startswith("/"):
        return None
    normal = posixpath.normpath(relative)
    if normal != relative or normal.startswith("..") or "/../" in f"/{normal}/":
        return None
    found = finders.find(normal)
    if found:
        return Path(found)
    # A production install may only have the collected files.
    root = Path(settings.STATIC_ROOT).resolve()
    candidate = (root / normal).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves the portal's static files and nothing else.

    `fetch` never calls the parent's opener (which would read files and the network); a
    refused URL is logged with the reason and raises `RefusedFetch`.
    """

    def __init__(self, base_url: str = PORTAL_BASE_URL) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.prefix = static_root_url(base_url)
        self.refused: list[str] = []

    def refuse(self, url: str, reason: str):
        self.refused.append(url)
        logger.warning("PDF rendering refused to fetch %r: %s", url[:200], reason)
        message = _("通报引用了不允许的资源（%(reason)s）：%(url)s") % {
            "reason": reason,
            "url": url[:120],
        }
        return RefusedFetch(message)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme.lower() in ("http", "https") and url.startswith(self.prefix):
            relative = unquote(urlsplit(url[len(self.prefix) :]).path)
            path = resolve_static(relative)
            if path is None:
                raise self.refuse(url, _("不是本系统的静态文件"))
            content_type = mimetypes.guess_type(path.name)[0] or ""
            if content_type not in SERVED_TYPES:
                raise self.refuse(url, _("文件类型不允许"))
            headers = {"Content-Type": content_type}
            return URLFetcherResponse(url, path.read_bytes(), headers)
        if parts.scheme.lower() == "data":
            raise self.refuse(url, _("不接受 data: 地址"))
        if parts.scheme.lower() == "file":
            raise self.refuse(url, _("不读取服务器上的文件"))
        raise self.refuse(url, _("不访问网络"))

    def open(self, url, data=None, timeout=None):
        return self.fetch(url if isinstance(url, str) else url.full_url)

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)


def _fontconfig_family(family: str) -> str | None:
    """The family fontconfig (as WeasyPrint's Pango uses it) picks for `family`."""
    config = fontconfig.FcInitLoadConfigAndFonts()
    pattern = fontconfig.FcPatternCreate()
    try:
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        if match == ffi.NULL:
            return None
        try:
            value = ffi.new("FcChar8 **")
            if fontconfig.FcPatternGetString(match, b"family", 0, value) != 0:
                return None
            return ffi.string(value[0]).decode()
        finally:
            fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcPatternDestroy(pattern)
        fontconfig.FcConfigDestroy(config)


# Only a positive answer is kept for the life of the process: a missing font installed
# later is then found without restarting the worker.
_cjk_font_seen = False


def cjk_font_installed() -> bool:
    """Whether fontconfig resolves "Noto Sans CJK SC" to itself, not to a fallback."""
    global _cjk_font_seen
    if not _cjk_font_seen:
        found = _fontconfig_family(CJK_FAMILY)
        _cjk_font_seen = bool(found) and found.casefold() == CJK_FAMILY.casefold()
    return _cjk_font_seen


def check_cjk_font() -> None:
    """Stop before rendering when the Chinese font is missing: WeasyPrint would otherwise
    print every Chinese character as an empty box, without any error."""
    if not cjk_font_installed():
        raise FontMissingError(
            _(
                "服务器缺少中文字体“%(family)s”，无法生成 PDF。请管理员安装 Debian 软件包 "
                "%(package)s（apt-get install %(package)s）后重试。"
            )
            % {"family": CJK_FAMILY, "package": FONT_PACKAGE}
        )


def render_pdf(html: str, *, base_url: str = PORTAL_BASE_URL) -> tuple[bytes, int]:
    """The PDF of `html` and its page count. Raises PdfError with a Chinese message."""
    check_cjk_font()
    fetcher = StaticOnlyFetcher(base_url)
    try:
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=FontConfiguration()
        )
        data = document.write_pdf()
    except RefusedFetch as exc:  # a BaseException: turn it into an ordinary error
        raise ResourceRefusedError(str(exc)) from None
    return data, len(document.pages)
