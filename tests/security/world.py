"""One world with data on both sides of the county: everything that has a page exists in
township A (village A1) and in township B (village B1), each with text that occurs nowhere
else, so a page that shows any of B's text to a user of A has leaked it.

Built on the conftest tree (C → A(A1, A2), B(B1)); the users of A are Bob (staff), Sam
(secretary of A1) and Lena (leader of A); B has Charlie (staff) and Sue (secretary of B1).
"""

from __future__ import annotations

import datetime
import struct
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from axes.models import AccessAttempt
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Assignment, User
from assessments.models import WeakLaxEntry
from assessments.standards.selectors import dimensions
from assessments.standards.services import score_sheet_save
from checklists.issuing import issue_checklists
from checklists.models import (
    ChecklistEvidence,
    ChecklistItem,
    ChecklistTemplate,
    Rectification,
    ResponsibilityList,
)
from core.models import ImportJob, Notification
from core.periods import Quarter
from funding.models import EconomyRecord, FundLine, VenueProject
from funding.services.funds import disbursement_record
from funding.services.sites import attachment_add
from members.models import DevelopmentCase, DuesRecord, PartyGroup, TrainingRecord, Transfer
from members.models.appraisals import Appraisal
from members.models.dues import DuesWaiver
from members.services.transfers import letter_issue, transfer_request
from orgs.life.services import life_record_create
from portal.models import ExportLog
from reports.models import Bulletin
from teams.models import (
    CadrePay,
    Candidate,
    CommitteeMember,
    Election,
    PayStandard,
    Posting,
    ReserveCadre,
    VettingCheck,
)
from tests.factories import make_member, make_user
from tests.helpers import id_number

TODAY = timezone.localdate()
YEAR = TODAY.year
QUARTER = Quarter(YEAR, 1)
MONTH = datetime.date(YEAR, 1, 1)


def png(marker: bytes) -> bytes:
    """A real 1×1 PNG carrying `marker` in a text chunk (so a served file can be told)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\x00" + marker)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


@dataclass
class Side:
    """The objects of one township; `secrets` are strings that only its pages may show."""

    name: str
    town: Any
    village: Any
    staff: Any
    secretary: Any
    objects: SimpleNamespace = field(default_factory=SimpleNamespace)
    secrets: list[str] = field(default_factory=list)
    file_marker: bytes = b""


@dataclass
class World:
    a: Side
    b: Side
    leader: Any  # Lena, leader of township A (read-only)
    shared: SimpleNamespace  # county-wide configuration both sides use (templates …)

    def side(self, name: str) -> Side:
        return {"a": self.a, "b": self.b}[name]


def _build_side(
    *, name: str, town, village, staff, secretary, seq: int, label: str, phone: str, read: bool
) -> Side:
    side = Side(name=name, town=town, village=village, staff=staff, secretary=secretary)
    side.file_marker = f"FILE-MARKER-{label}-7f3a".encode()
    o = side.objects
    o.town, o.village = town, village

    # Members: one ordinary, one mobile (for the contact page), one in a pending transfer.
    o.member = make_member(village, seq=seq, name=f"{label}党员甲", phone=phone)
    o.mobile = make_member(
        village,
        seq=seq + 1,
        name=f"{label}流动党员",
        is_mobile=True,
        mobile_destination=f"{label}务工地",
        last_contact_on=TODAY - datetime.timedelta(days=30),
    )
    o.moving = make_member(village, seq=seq + 2, name=f"{label}转出党员")
    o.transfer = Transfer.objects.create(
        member=o.moving,
        kind="internal",
        from_organization=village,
        to_organization=town,
        reason=f"{label}转接理由",
        requested_on=TODAY,
        requested_by=staff,
    )
    o.case = DevelopmentCase.objects.create(
        organization=village,
        name=f"{label}申请人",
        id_number=id_number("1998-03-04", seq=seq + 3),
        gender="M",
        ethnicity="01",
        education="bachelor",
        job="farmer",
        applied_on=TODAY - datetime.timedelta(days=400),
    )
    o.dues = DuesRecord.objects.create(
        member=o.member,
        month=MONTH,
        basis="farmer",
        amount_due=Decimal("2.00"),
        amount_paid=Decimal("2.00"),
        paid_on=MONTH,
    )
    o.appraisal = Appraisal.objects.create(
        member=o.member,
        organization=village,
        year=YEAR - 1,
        result="unqualified",
        note=f"{label}评议备注",
    )
    o.leaving = make_member(village, seq=seq + 4, name=f"{label}县外转出")
    o.outbound = letter_issue(
        user=staff,
        transfer=transfer_request(
            user=staff,
            member=o.leaving,
            destination=f"{label}县外接收单位",
            reason=f"{label}转出理由",
            on=TODAY,
        ),
        on=TODAY,
        valid_days=30,
    )
    o.waiver = DuesWaiver.objects.create(
        member=o.member,
        kind="exempt",
        approved_by="committee",
        decided_on=MONTH,
        reason=f"{label}免交理由",
        first_month=MONTH,
        last_month=MONTH,
    )
    o.training = TrainingRecord.objects.create(
        organization=village,
        member=o.member,
        course=f"{label}培训课程",
        hours=Decimal("4"),
        attended_on=TODAY,
    )

    # Funds and venues.
    o.fund = FundLine.objects.create(
        code=f"JF-{name.upper()}-8831",
        year=YEAR,
        organization=village,
        category="work",
        source="fiscal",
        budget=Decimal("80000"),
        summary=f"{label}经费摘要",
    )
    o.disbursement = disbursement_record(
        user=staff,
        fund=o.fund,
        amount=Decimal("1000"),
        paid_on=TODAY,
        note=f"{label}拨付备注",
    )
    o.economy = EconomyRecord.objects.create(
        organization=village,
        year=YEAR - 1,
        total_income=Decimal("12.5"),
        operating_income=Decimal("8"),
        development_model=f"{label}发展模式",
    )
    o.site = VenueProject.objects.create(
        code=f"XM-{name.upper()}-5521",
        name=f"{label}活动场所新建",
        organization=village,
        project_type="village_venue",
        nature="new",
        planned_investment=Decimal("60"),
        stage="design",
    )
    o.site_file = attachment_add(
        user=staff,
        project=o.site,
        upload=SimpleUploadedFile(f"{label}外景.png", png(side.file_marker), "image/png"),
        caption=f"{label}照片说明",
    )

    # Organisation life.
    o.life = life_record_create(
        user=secretary,
        organization=village,
        kind="branch_assembly",
        held_on=TODAY,
        topic=f"{label}会议主题",
        expected=10,
        present=9,
        minutes=f"{label}会议记录",
        files=[SimpleUploadedFile(f"{label}签到.png", png(side.file_marker), "image/png")],
    )
    o.life_file = o.life.attachments.get()
    o.party_group = PartyGroup.objects.create(
        organization=village, name=f"{label}第一党小组", leader=o.member
    )
    o.party_group.members.add(o.member)

    # Assessments: weak-and-lax entry, standards sheet, the quarter's list.
    o.weak_lax = WeakLaxEntry.objects.create(
        organization=village,
        year=YEAR,
        situations=["inactive"],
        measures=f"{label}整顿措施",
        responsible_person=f"{label}责任人",
        deadline=TODAY + datetime.timedelta(days=90),
        created_by=staff,
    )
    o.standards = score_sheet_save(
        user=staff,
        organization=village,
        year=YEAR - 1,
        scores={d.code: Decimal(d.max_points - 1) for d in dimensions()},
        comment=f"{label}评定意见",
        assessed_on=TODAY,
    )
    o.checklist = ResponsibilityList.objects.get(organization=village, year=YEAR, quarter=1)
    o.item = o.checklist.items.order_by("position").first()
    ChecklistItem.objects.filter(pk=o.item.pk).update(account=f"{label}台账说明")
    o.evidence = ChecklistEvidence(
        item=o.item,
        original_name=f"{label}佐证.png",
        content_type="image/png",
        size=len(png(side.file_marker)),
        uploaded_by=secretary,
    )
    o.evidence.file.save("evidence.png", ContentFile(png(side.file_marker)), save=False)
    o.evidence.save()
    o.rectification = Rectification.objects.create(
        item=o.checklist.items.order_by("position")[1],
        requirement=f"{label}整改要求",
        responsible_person=f"{label}整改责任人",
        deadline=TODAY + datetime.timedelta(days=30),
        created_by=staff,
    )

    # Back-office traces of the side's staff.
    o.notification = Notification.objects.create(
        user=staff,
        text=f"{label}通知内容",
        url="/",
        event_key=f"walk-{label}",
        read_at=timezone.now() if read else None,
    )
    o.import_job = ImportJob(kind="members", user=staff, original_name=f"{label}导入文件.xlsx")
    o.import_job.file.save("walk.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    o.import_job.save()
    o.export_log = ExportLog.objects.create(
        user=staff,
        kind="members",
        organization=town,
        scope_label=town.name,
        rows=3,
        channel="page",
        file_format="xlsx",
    )
    o.bulletin = Bulletin(
        organization=town,
        period_kind="quarter",
        year=YEAR,
        number=1,
        status="done",
        trigger="manual",
        requested_by=staff,
        requested_at=timezone.now(),
    )
    o.bulletin.file.save("walk.pdf", ContentFile(b"%PDF-1.4 " + side.file_marker), save=False)
    o.bulletin.save()
    o.access_attempt = AccessAttempt.objects.create(
        username=staff.username,
        ip_address="10.0.0.9",
        user_agent="walk",
        path_info="/accounts/login/",
        failures_since_start=1,
    )
    o.staff_assignment = Assignment.objects.get(user=staff, organization=town)
    o.staff, o.secretary = staff, secretary

    # Leadership teams: a committee member, an election, a candidate with one body's
    # result, a reserve, a posting, a cadre's pay and the township's pay standard.
    o.committee_member = CommitteeMember.objects.create(
        organization=village,
        name=f"{label}委员",
        id_number=id_number("1976-06-06", seq=seq + 5),
        position="organization",
        concurrent_post=f"{label}兼任职务",
        started_on=TODAY - datetime.timedelta(days=200),
    )
    o.election = Election.objects.create(
        organization=village,
        session=f"{label}第九届",
        held_on=TODAY - datetime.timedelta(days=200),
        expected=10,
        present=9,
        method="equal",
    )
    o.candidate = Candidate.objects.create(
        organization=village,
        name=f"{label}人选",
        id_number=id_number("1984-04-04", seq=seq + 6),
        proposed_on=TODAY - datetime.timedelta(days=30),
        notes=f"{label}人选备注",
    )
    VettingCheck.objects.create(
        candidate=o.candidate,
        body="police",
        passed=False,
        reason=f"{label}联审原因",
        checked_on=TODAY - datetime.timedelta(days=20),
    )
    o.reserve = ReserveCadre.objects.create(
        organization=village,
        name=f"{label}后备",
        id_number=id_number("1995-05-05", seq=seq + 7),
        source=f"{label}来源",
        training_notes=f"{label}培养情况",
        added_on=TODAY - datetime.timedelta(days=60),
    )
    o.posting = Posting.objects.create(
        organization=village,
        name=f"{label}书记派",
        id_number=id_number("1985-08-08", seq=seq + 8),
        kind="first_secretary",
        from_unit=f"{label}派出单位",
        started_on=TODAY - datetime.timedelta(days=90),
    )
    o.pay_standard = PayStandard.objects.create(
        organization=town, year=YEAR, minimum_total=Decimal("36000")
    )
    o.cadre_pay = CadrePay.objects.create(
        organization=village,
        name=f"{label}村干",
        id_number=id_number("1979-09-09", seq=seq + 9),
        year=YEAR,
        post=f"{label}村委委员",
        base_pay=Decimal("30000"),
        performance_pay=Decimal("1234.56"),
    )

    side.secrets = [
        town.name,
        village.name,
        staff.full_name,
        secretary.full_name,
        o.member.name,
        o.member.id_number,
        phone,
        phone[:3] + "****" + phone[-4:],
        o.mobile.name,
        o.mobile.mobile_destination,
        o.moving.name,
        o.transfer.reason,
        o.case.name,
        o.case.id_number,
        o.training.course,
        o.appraisal.note,
        o.waiver.reason,
        o.party_group.name,
        o.leaving.name,
        o.outbound.destination,
        o.outbound.reason,
        o.fund.code,
        o.fund.summary,
        o.disbursement.note,
        o.economy.development_model,
        o.site.code,
        o.site.name,
        o.site_file.caption,
        o.life.topic,
        o.life.minutes,
        o.weak_lax.measures,
        o.weak_lax.responsible_person,
        o.standards.comment,
        f"{label}台账说明",
        o.rectification.requirement,
        o.notification.text,
        o.import_job.original_name,
        f"{label}外景.png",
        f"{label}签到.png",
        f"{label}佐证.png",
        o.committee_member.name,
        o.committee_member.id_number,
        o.committee_member.concurrent_post,
        o.election.session,
        o.candidate.name,
        o.candidate.id_number,
        o.candidate.notes,
        f"{label}联审原因",
        o.reserve.name,
        o.reserve.training_notes,
        o.posting.name,
        o.posting.from_unit,
        o.cadre_pay.name,
        o.cadre_pay.post,
    ]
    return side


def build_world(tree) -> World:
    staff_a = make_user("bob", tree["A"], "staff")
    staff_b = make_user("charlie", tree["B"], "staff")
    secretary_a = make_user("sam", tree["A1"], "secretary")
    secretary_b = make_user("sue", tree["B1"], "secretary")
    leader = make_user("lena", tree["A"], "leader")
    names = {
        staff_a: "甲镇干事鲍勃",
        staff_b: "乙镇干事查理",
        secretary_a: "甲一村书记山姆",
        secretary_b: "乙一村书记苏珊",
        leader: "甲镇领导莉娜",
    }
    for user, full_name in names.items():
        User.objects.filter(pk=user.pk).update(full_name=full_name)
        user.full_name = full_name
    issue_checklists(quarter=QUARTER)
    a = _build_side(
        name="a",
        town=tree["A"],
        village=tree["A1"],
        staff=staff_a,
        secretary=secretary_a,
        seq=11,
        label="甲方",
        phone="13655550011",
        # A's users have read their notifications, so that "mark all read" by them writes
        # nothing: any write there would be to somebody else's.
        read=True,
    )
    b = _build_side(
        name="b",
        town=tree["B"],
        village=tree["B1"],
        staff=staff_b,
        secretary=secretary_b,
        seq=41,
        label="乙方",
        phone="13766660041",
        read=False,
    )
    shared = SimpleNamespace(
        template=ChecklistTemplate.objects.order_by("pk").first(),
    )
    shared.template_item = shared.template.items.order_by("position").first()
    return World(a=a, b=b, leader=leader, shared=shared)
