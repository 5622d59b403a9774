"""Photos and documents of a venue project: uploaded by staff, checked by content, served
only through the scoped view."""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse

from accounts.models import User
from core.importing import run_import
from funding.models import VenueAttachment, VenueProject
from funding.resources import VenueProjectResource
from funding.services.sites import attachment_add
from tests.helpers import SITE_HEADERS, site_row


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xb7\x1c\x1c")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# A real 1×1 baseline JPEG.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////"
    "////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgB"
    "AQABPxA="
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def projects(tree):
    rows = [site_row("XM-A1", "A1"), site_row("XM-A2", "A2"), site_row("XM-B1", "B1")]
    dataset = tablib.Dataset(*[[r[h] for h in SITE_HEADERS] for r in rows], headers=SITE_HEADERS)
    assert run_import(VenueProjectResource(source="test"), dataset).ok
    return {p.code: p for p in VenueProject.objects.all()}


@pytest.fixture
def photo(projects, bob):
    upload = SimpleUploadedFile("村部 外景.png", png_bytes(), content_type="image/png")
    return attachment_add(user=bob, project=projects["XM-A1"], upload=upload, caption="外景")


def login(client, username):
    client.force_login(User.objects.get(username=username))


def upload(client, code, name, content, content_type="image/jpeg"):
    return client.post(
        reverse("funding:site_upload", args=[code]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type), "caption": "照片"},
    )


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "venues"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- upload -----------------------------------------------------------------------------
def test_a_renamed_exe_is_refused_whatever_its_name(client, projects, bob):
    login(client, "bob")
    before = stored_files()
    response = upload(client, "XM-A1", "photo.jpg", EXE)
    assert response.status_code == 400
    assert response.context["upload_form"].errors["file"] == [
        "“photo.jpg”不是 JPEG、PNG 图片或 PDF 文件（按文件内容判断，不看扩展名）。"
    ]
    assert "文件未上传" in response.content.decode()
    assert not VenueAttachment.objects.exists()
    assert stored_files() == before


def test_an_oversize_file_is_refused(client, projects, bob, settings):
    settings.ATTACHMENT_MAX_SIZE = 1024 * 1024
    login(client, "bob")
    big = JPEG + b"\x00" * (1024 * 1024)
    response = upload(client, "XM-A1", "big.jpg", big)
    assert response.status_code == 400
    assert response.context["upload_form"].errors["file"] == ["文件超过 1 MB（现为 1.0 MB）。"]
    assert not VenueAttachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type", "kind"),
    [
        ("外景.png", png_bytes(), "image/png", "image"),
        ("内景.JPG", JPEG, "image/jpeg", "image"),
        ("验收报告.pdf", PDF, "application/pdf", "pdf"),
        # The content decides, not the name: a PNG called .pdf is stored as a PNG.
        ("scan.pdf", png_bytes(), "image/png", "image"),
    ],
)
def test_real_images_and_pdfs_are_accepted(
    client, projects, bob, name, content, content_type, kind
):
    login(client, "bob")
    response = upload(client, "XM-A1", name, content)
    assert response.status_code == 302
    attachment = VenueAttachment.objects.get()
    assert (attachment.original_name, attachment.content_type, attachment.kind) == (
        name,
        content_type,
        kind,
    )
    assert attachment.uploaded_by == bob
    assert attachment.size == len(content)
    page = client.get(reverse("funding:site", args=["XM-A1"])).content.decode()
    assert f"已上传“{name}”" in page


@pytest.mark.parametrize(("username", "status"), [("sam", 403), ("leo", 403), ("charlie", 404)])
def test_only_staff_of_the_subtree_upload(client, projects, sam, leo, charlie, username, status):
    login(client, username)
    assert upload(client, "XM-A1", "a.png", png_bytes()).status_code == status
    assert not VenueAttachment.objects.exists()


# --- download ---------------------------------------------------------------------------
def test_the_file_is_served_with_its_type_and_name(client, photo, bob):
    login(client, "bob")
    url = reverse("funding:site_file", args=["XM-A1", photo.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert (
        "filename*=utf-8''%E6%9D%91%E9%83%A8%20%E5%A4%96%E6%99%AF.png"
        in response["Content-Disposition"]
    )
    download = client.get(url, {"download": "1"})
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("username", ["sam", "leo"])
def test_readers_of_the_subtree_may_download(client, photo, sam, leo, username):
    login(client, username)
    url = reverse("funding:site_file", args=["XM-A1", photo.pk])
    assert client.get(url).status_code == 200


def test_a_user_of_another_subtree_gets_404(client, photo, charlie, sam, projects, bob):
    other = attachment_add(
        user=bob,
        project=projects["XM-A2"],
        upload=SimpleUploadedFile("a2.pdf", PDF, content_type="application/pdf"),
    )
    login(client, "charlie")
    assert client.get(reverse("funding:site_file", args=["XM-A1", photo.pk])).status_code == 404
    login(client, "sam")  # secretary of A1, not of A2
    assert client.get(reverse("funding:site_file", args=["XM-A2", other.pk])).status_code == 404
    # Nor through a project the user can see: the file must belong to that project.
    assert client.get(reverse("funding:site_file", args=["XM-A1", other.pk])).status_code == 404


def test_the_file_is_not_reachable_under_media_url(client, photo, bob):
    login(client, "bob")
    assert Path(photo.file.path).exists()
    media_path = settings.MEDIA_URL + photo.file.name
    with pytest.raises(Resolver404):
        resolve(media_path)
    assert client.get(media_path).status_code == 404


def test_anonymous_users_are_sent_to_login(client, photo):
    response = client.get(reverse("funding:site_file", args=["XM-A1", photo.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- delete -----------------------------------------------------------------------------
def test_delete_asks_first_and_then_removes_row_and_file(
    client, photo, bob, django_capture_on_commit_callbacks
):
    login(client, "bob")
    url = reverse("funding:site_file_delete", args=["XM-A1", photo.pk])
    page = client.get(url).content.decode()
    assert "确定要删除项目" in page
    assert "村部 外景.png" in page
    assert VenueAttachment.objects.filter(pk=photo.pk).exists()
    path = Path(photo.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not VenueAttachment.objects.filter(pk=photo.pk).exists()
    assert not path.exists()


@pytest.mark.parametrize(("username", "status"), [("sam", 403), ("leo", 403), ("charlie", 404)])
def test_only_staff_of_the_subtree_delete(client, photo, sam, leo, charlie, username, status):
    login(client, username)
    url = reverse("funding:site_file_delete", args=["XM-A1", photo.pk])
    assert client.get(url).status_code == status
    assert client.post(url).status_code == status
    assert VenueAttachment.objects.filter(pk=photo.pk).exists()


def test_the_project_page_lists_the_files(client, photo, sam):
    login(client, "sam")
    page = client.get(reverse("funding:site", args=["XM-A1"])).content.decode()
    assert "村部 外景.png" in page
    assert reverse("funding:site_file", args=["XM-A1", photo.pk]) in page
    assert settings.MEDIA_URL not in page
    assert reverse("funding:site_file_delete", args=["XM-A1", photo.pk]) not in page
