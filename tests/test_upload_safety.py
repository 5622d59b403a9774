"""Uploaded evidence files: names that cannot disguise themselves (bidi overrides and other
invisible characters) and images whose declared size cannot exhaust memory, on every path
that stores an upload (core.uploads)."""

from __future__ import annotations

import io
import struct
import tracemalloc
import types
import zlib

import pytest
import tablib
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone
from PIL import Image

from checklists.filling import items_save
from checklists.issuing import issue_checklists
from checklists.models import ChecklistEvidence, ResponsibilityList
from core.importing import run_import
from core.jobs import job_create
from core.periods import Quarter
from core.uploads import clean_file_name, file_response, upload_errors
from funding.models import VenueAttachment, VenueProject
from funding.resources import VenueProjectResource
from funding.services.sites import attachment_add
from orgs.life.services import life_record_create
from orgs.models import OrgLifeAttachment, OrgLifeRecord
from tests.helpers import SITE_HEADERS, org_row, site_row, xlsx_bytes

DISGUISED = "会议记录\u202egpj.exe"  # shows as 会议记录exe.jpg


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares width×height: valid chunks and CRCs, no pixels behind."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00"))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes(width: int = 8, height: int = 6) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def jpeg_declaring(width: int, height: int) -> bytes:
    """A real small JPEG with its frame header (SOF0) rewritten to declare width×height."""
    data = bytearray(jpeg_bytes())
    sof = data.index(b"\xff\xc0")
    # marker(2) length(2) precision(1) height(2) width(2)
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def photo(name: str = "会场.png") -> SimpleUploadedFile:
    return upload(name, png_declaring(1, 1))


# --- names -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (DISGUISED, "会议记录gpj.exe"),
        ("照片\u200b\u200c\u200d\u2060.jpg", "照片.jpg"),
        ("\ufeff发票.pdf", "发票.pdf"),
        ("\u2066甲\u2067乙\u2068丙\u2069\u202a\u202b\u202c\u202d.png", "甲乙丙.png"),
        ("a\tb\r\nc\x00\x7f\x85.png", "abc.png"),
        ("一\u2028二\u2029.png", "一二.png"),
        ("Cafe\u0301.jpg", "Café.jpg"),  # NFD from macOS becomes NFC
        ("C:\\Users\\张三\\桌面\\会议.jpg", "会议.jpg"),
        ("../../etc/现场.png", "现场.png"),
        ("  \u3000 会议.png \t ", "会议.png"),
        ("\u202e.png", "附件.png"),
        (".png", "附件.png"),
        ("   ", "附件"),
        ("", "附件"),
        (None, "附件"),
        ("目录/", "附件"),
        ("会议纪要 v1.0 终稿", "会议纪要 v1.0 终稿"),
    ],
)
def test_a_stored_name_has_no_invisible_characters_nor_folders(name, expected):
    assert clean_file_name(name) == expected


def test_a_long_name_is_cut_to_the_field_keeping_its_beginning_and_extension():
    cleaned = clean_file_name("二〇二四年第一季度" + "长" * 300 + ".jpeg")
    assert len(cleaned) == 200
    assert cleaned.startswith("二〇二四年第一季度长")
    assert cleaned.endswith("长.jpeg")
    assert clean_file_name("长" * 300, max_length=10) == "长" * 10
    # Invisible characters do not count against the limit.
    assert clean_file_name("\u200b" * 500 + "甲.png") == "甲.png"


def test_every_stored_original_name_fits_what_clean_file_name_cuts_to():
    fields = [
        model._meta.get_field("original_name")
        for model in apps.get_models()
        if any(f.name == "original_name" for f in model._meta.get_fields())
    ]
    assert len(fields) >= 4
    assert {f.max_length for f in fields} == {200}  # clean_file_name's default


def test_a_name_stored_before_cleaning_is_served_clean():
    stored = types.SimpleNamespace(
        file=ContentFile(jpeg_bytes()), content_type="image/jpeg", original_name=DISGUISED
    )
    response = file_response(RequestFactory().get("/f", {"download": "1"}), stored)
    disposition = response["Content-Disposition"]
    assert "%E2%80%AE" not in disposition.upper()
    assert "gpj.exe" in disposition


# --- image sizes -------------------------------------------------------------------
def test_a_small_real_jpeg_is_accepted_and_left_at_its_start():
    file = upload("会场.jpg", jpeg_bytes(), "image/jpeg")
    assert upload_errors(file) == ([], ("image/jpeg", "image"))
    assert file.tell() == 0


@pytest.mark.parametrize(
    "content", [png_declaring(65535, 65535), jpeg_declaring(65535, 65535)], ids=["png", "jpeg"]
)
def test_an_image_declaring_65535_squared_pixels_is_refused_without_allocating_it(content):
    tracemalloc.start()
    try:
        problems, found = upload_errors(upload("炸弹.png", content))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found is None
    assert problems == [
        "图片“炸弹.png”声明有 4,294,836,225 像素（约 429483 万像素），超过上限 8000 万像素。"
    ]
    assert peak < 5 * 1024 * 1024


def test_an_image_over_the_setting_is_refused_with_its_size(settings):
    settings.ATTACHMENT_MAX_IMAGE_PIXELS = 100_000
    problems, found = upload_errors(upload("航拍.jpg", jpeg_declaring(400, 300), "image/jpeg"))
    assert found is None
    assert problems == [
        "图片“航拍.jpg”为 400×300 像素（约 12 万像素），超过上限 10 万像素，请缩小后再上传。"
    ]
    assert upload_errors(upload("小图.jpg", jpeg_declaring(300, 300), "image/jpeg"))[0] == []


def test_the_largest_phone_photos_pass_by_default():
    for width, height in [(8160, 6144), (9248, 6936)]:  # 50 MP and 64 MP sensors
        assert upload_errors(upload("手机.png", png_declaring(width, height)))[0] == []


def test_pillows_warning_is_a_refusal_even_when_the_setting_is_higher(settings):
    # 100 MP: between Pillow's limit (89.5 MP, a warning) and twice it (an error).
    settings.ATTACHMENT_MAX_IMAGE_PIXELS = 500_000_000
    problems, found = upload_errors(upload("大图.png", png_declaring(10_000, 10_000)))
    assert found is None
    assert problems == [
        "图片“大图.png”声明有 100,000,000 像素（约 10000 万像素），超过上限 8947 万像素。"
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # the PNG signature and nothing behind it
        b"\xff\xd8\xff" + bytes(range(256)) * 4,
        png_declaring(0, 0),
    ],
    ids=["png-signature-only", "jpeg-signature-and-noise", "png-0x0"],
)
def test_an_image_pillow_cannot_read_is_refused(content):
    problems, found = upload_errors(upload("坏图.png", content))
    assert found is None
    assert problems == ["“坏图.png”无法作为图片读取（文件已损坏或不完整）。"]


# --- every upload path -------------------------------------------------------------
@pytest.fixture
def checklist(tree, sam) -> ResponsibilityList:
    issue_checklists(quarter=Quarter(timezone.localdate().year, 1))
    return ResponsibilityList.objects.get(organization__code="A1")


@pytest.fixture
def project(tree) -> VenueProject:
    row = site_row("XM-A1", "A1")
    dataset = tablib.Dataset([row[h] for h in SITE_HEADERS], headers=SITE_HEADERS)
    assert run_import(VenueProjectResource(source="test"), dataset).ok
    return VenueProject.objects.get()


def record_life(sam, tree, files):
    return life_record_create(
        user=sam,
        organization=tree["A1"],
        kind="branch_assembly",
        held_on=timezone.localdate(),
        topic="学习党章",
        expected=10,
        present=8,
        files=files,
    )


def save_evidence(sam, checklist, files):
    item = checklist.items.get(position=1)
    items_save(
        user=sam,
        checklist=checklist,
        changes={},
        files={item.pk: files},
        expected_revision=checklist.revision,
    )
    return item


def test_org_life_photos_are_stored_under_clean_names_and_bombs_refused(tree, sam):
    with pytest.raises(ValidationError) as caught:
        record_life(sam, tree, [upload("炸弹.png", png_declaring(65535, 65535))])
    assert "炸弹.png" in " ".join(caught.value.message_dict["files"])
    assert not OrgLifeRecord.objects.exists()

    record = record_life(sam, tree, [photo(DISGUISED)])
    assert record.attachments.get().original_name == "会议记录gpj.exe"
    assert not OrgLifeAttachment.objects.exclude(record=record).exists()


def test_checklist_evidence_is_stored_under_clean_names_and_bombs_refused(checklist, sam):
    with pytest.raises(ValidationError) as caught:
        save_evidence(sam, checklist, [upload("炸弹.png", png_declaring(65535, 65535))])
    assert "炸弹.png" in " ".join(caught.value.messages)
    assert not ChecklistEvidence.objects.exists()

    item = save_evidence(sam, checklist, [photo(DISGUISED)])
    assert item.evidence.get().original_name == "会议记录gpj.exe"


def test_venue_attachments_are_stored_under_clean_names_and_bombs_refused(project, bob):
    with pytest.raises(ValidationError) as caught:
        attachment_add(
            user=bob, project=project, upload=upload("炸弹.jpg", jpeg_declaring(65535, 65535))
        )
    assert "炸弹.jpg" in " ".join(caught.value.messages)
    assert not VenueAttachment.objects.exists()

    attachment = attachment_add(user=bob, project=project, upload=photo(DISGUISED))
    assert attachment.original_name == "会议记录gpj.exe"


def test_import_jobs_are_stored_under_clean_names(bob, tree):
    data = xlsx_bytes([org_row("A3", "A")])
    job = job_create(
        user=bob, kind="orgs", upload=SimpleUploadedFile("\u202e新建\u200b支部.xlsx", data)
    )
    assert job.original_name == "新建支部.xlsx"
    assert job.file.name.endswith(".xlsx")
