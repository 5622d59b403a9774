"""The PDF renderer: only the portal's own static files are fetched, and a missing Chinese
font stops the work with a message that names the Debian package."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from core import pdf
from core.pdf import PORTAL_BASE_URL, RefusedFetch, StaticOnlyFetcher

STATIC = PORTAL_BASE_URL + "static/"
OWN_CSS = Path(settings.BASE_DIR) / "static" / "css" / "bulletin.css"


def pdf_text(data: bytes, tmp_path: Path) -> str:
    target = tmp_path / "out.pdf"
    target.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(target), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def fetcher():
    return StaticOnlyFetcher()


def test_it_serves_the_portals_own_static_files(fetcher):
    response = fetcher.fetch(STATIC + "css/bulletin.css")
    assert response.content_type == "text/css"
    assert response.read() == OWN_CSS.read_bytes()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "http://127.0.0.1/admin/",
        "http://127.0.0.1:8000/static/css/bulletin.css",
        "https://example.com/static/css/bulletin.css",
        "https://portal.invalid.evil.example/static/css/bulletin.css",
        "data:text/css,body{color:red}",
        "ftp://127.0.0.1/file",
    ],
)
def test_it_refuses_other_schemes_and_hosts(fetcher, url):
    with pytest.raises(RefusedFetch):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


@pytest.mark.parametrize(
    "path",
    [
        "../config/settings/base.py",
        "css/../../config/settings/base.py",
        "%2e%2e/config/settings/base.py",
        "css/%2e%2e/%2e%2e/manage.py",
        "..%2fmanage.py",
        "%2fetc%2fpasswd",
        "css\\..\\..\\manage.py",
        "css/bulletin.css%00.png",
    ],
)
def test_it_refuses_path_traversal_under_static(fetcher, path):
    with pytest.raises(RefusedFetch):
        fetcher.fetch(STATIC + path)


def test_it_refuses_static_files_of_other_types(fetcher, tmp_path, settings):
    # A static file that is not a stylesheet or image (e.g. a script) is not served either.
    (tmp_path / "x.js").write_text("alert(1)")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(tmp_path)]
    with pytest.raises(RefusedFetch):
        fetcher.fetch(STATIC + "x.js")


def test_a_document_naming_a_server_file_is_refused_not_rendered():
    html = '<html><body><p>测试</p><img src="file:///etc/passwd"></body></html>'
    with pytest.raises(pdf.ResourceRefusedError, match="file:///etc/passwd"):
        pdf.render_pdf(html)


def test_a_document_linking_the_network_is_refused():
    html = '<html><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head></html>'
    with pytest.raises(pdf.ResourceRefusedError, match="不访问网络"):
        pdf.render_pdf(html)


def test_it_renders_extractable_chinese_with_the_own_stylesheet(tmp_path):
    html = (
        '<html><head><link rel="stylesheet" href="/static/css/bulletin.css"></head>'
        '<body><h1 class="cover__issuer">清河县委组织部</h1><p>党员总数 432 名</p></body></html>'
    )
    data, pages = pdf.render_pdf(html)
    assert data.startswith(b"%PDF-")
    assert pages == 1
    text = pdf_text(data, tmp_path)
    assert "清河县委组织部" in text
    assert "党员总数 432 名" in text
    # The footer's "第 1 页 共 1 页" (pdftotext drops the spaces around the numbers).
    assert "第1页共1页" in text.replace(" ", "")


def test_the_cjk_font_is_installed_here():
    assert pdf.cjk_font_installed()


def test_a_missing_cjk_font_stops_rendering_with_a_clear_error(monkeypatch):
    # fontconfig falls back to another family when the one asked for is missing.
    monkeypatch.setattr(pdf, "_cjk_font_seen", False)
    monkeypatch.setattr(pdf, "_fontconfig_family", lambda family: "DejaVu Sans")
    with pytest.raises(pdf.FontMissingError) as caught:
        pdf.render_pdf("<p>测试</p>")
    message = str(caught.value)
    assert "Noto Sans CJK SC" in message
    assert "fonts-noto-cjk" in message
