"""Progress bulletins (进展通报): what goes into one, building its PDF, and running the
`Bulletin` records (asked for by a person or by the schedule).

The rule of the records (see `Bulletin`): one per organisation and period. A person asking
rebuilds it (the file is replaced in place); the schedule keeps a finished bulletin and only
builds a missing, queued or failed one. A record left "running" longer than the task's hard
time limit (a worker killed mid-way) counts as failed: the page says so and it can be asked
for again, and `requeue_stale` (beat, every five minutes) queues it again by itself.

Retries: `generate` is called by the Celery task with `may_retry`; a failure that a retry
can cure (database, storage) puts the record back in the queue with the error visible and
raises `RetryLater`; the last attempt, or a failure no retry can cure (missing font, a
refused resource, a time-out), leaves it FAILED with a Chinese message on the page.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.roles import Role
from assessments import figures as list_figures
from assessments import health, register
from assessments.choices import ListStatus, WeakLaxStatus
from assessments.issuing import Quarter
from assessments.standards import pass_score
from core.periods import Period
from funding.economy_selectors import economy_figures, economy_years
from funding.selectors import totals_by_child
from funding.services.standards import (
    COUNTY_BELOW_BUDGET_LINE,
    FISCAL_REVENUE_MISSING,
    FUND_BELOW_STANDARD,
    FUND_NOT_DISBURSED,
)
from members.selectors import dues_collection, member_structure
from orgs.choices import OrgLevel
from orgs.models import Organization
from orgs.scope import path_allowed

from . import figures
from .charts import bar_chart
from .models import Bulletin

logger = logging.getLogger(__name__)

#: who may ask for a bulletin of an organisation: leaders and staff whose scope covers it
GENERATE_ROLES = (Role.LEADER, Role.STAFF)
#: the levels the schedule builds a bulletin for every quarter
SCHEDULED_LEVELS = (OrgLevel.CITY, OrgLevel.COUNTY, OrgLevel.TOWNSHIP)
PENDING = (Bulletin.Status.QUEUED, Bulletin.Status.RUNNING)
ERROR_MAX = 2000

#: defaults of the bulletin settings (config/settings/base.py sets them from the environment)
SETTING_DEFAULTS = {
    # days after the lists' deadline before the schedule builds a quarter's bulletins
    "BULLETIN_DELAY_DAYS": 5,
    # attempts after the first, and the first delay in seconds (doubled each time)
    "BULLETIN_MAX_RETRIES": 3,
    "BULLETIN_RETRY_DELAY": 60,
    # a city bulletin takes about a minute: the soft limit stops the work, the hard one
    # the process
    "BULLETIN_SOFT_TIME_LIMIT": 10 * 60,
    "BULLETIN_TIME_LIMIT": 11 * 60,
}


def setting(name: str) -> int:
    return getattr(settings, name, SETTING_DEFAULTS[name])


class RetryLater(Exception):
    """This attempt failed in a way another attempt may not; the record is queued again."""


# ---------------------------------------------------------------- who may, and when


def may_generate(user: Any, org: Organization) -> bool:
    return path_allowed(user, org.path, GENERATE_ROLES)


def hard_time_limit() -> int:
    return setting("BULLETIN_TIME_LIMIT")


def is_stale(bulletin: Bulletin, now: datetime.datetime | None = None) -> bool:
    """Running for longer than the task may live: its worker died, nothing will finish it."""
    if bulletin.status != Bulletin.Status.RUNNING or bulletin.started_at is None:
        return False
    now = now or timezone.now()
    return now - bulletin.started_at > datetime.timedelta(seconds=hard_time_limit())


def is_pending(bulletin: Bulletin) -> bool:
    return bulletin.status in PENDING and not is_stale(bulletin)


def as_of_date(period: Period, today: datetime.date | None = None) -> datetime.date:
    """The day a bulletin describes: the period's last day, or today while it runs."""
    today = today or timezone.localdate()
    return min(period.last_day, today)


# ---------------------------------------------------------------- asking for one


def _enqueue(bulletin_id: int) -> None:
    """After commit, through the outbox: with Redis down the bulletin stays 排队中 and is
    built once Redis is back."""
    from core.outbox import enqueue

    from .tasks import generate_bulletin

    enqueue(generate_bulletin, bulletin_id)


def _queue(bulletin: Bulletin, *, user: Any, trigger: str) -> None:
    bulletin.status = Bulletin.Status.QUEUED
    bulletin.trigger = trigger
    bulletin.requested_by = user
    bulletin.requested_at = timezone.now()
    bulletin.started_at = None
    bulletin.attempts = 0
    bulletin.error = ""
    bulletin._history_user = user  # no request in a task: history needs the actor
    bulletin.save()
    _enqueue(bulletin.pk)


def _get_or_create(org: Organization, period: Period, *, user: Any, trigger: str):
    bulletin, created = Bulletin.objects.select_for_update().get_or_create(
        organization=org,
        period_kind=period.kind,
        year=period.year,
        number=period.number,
        defaults={
            "trigger": trigger,
            "requested_by": user,
            "requested_at": timezone.now(),
        },
    )
    return bulletin, created


def request_bulletin(
    *,
    user: Any,
    org: Organization,
    period: Period,
    trigger: str = Bulletin.Trigger.MANUAL,
) -> Bulletin:
    """Queue the bulletin of `org` for `period` (creating its one record if needed) and
    start building it once the transaction commits. A bulletin already being built is
    left to finish instead of being queued twice."""
    if not may_generate(user, org):
        raise PermissionDenied(_("只有管辖范围包含该组织的领导或组织部工作人员可以生成通报。"))
    if period.first_day > timezone.localdate():
        raise ValidationError(_("%(period)s 尚未开始，不能生成通报。") % {"period": period.label})
    with transaction.atomic():
        bulletin, created = _get_or_create(org, period, user=user, trigger=trigger)
        if created:
            _enqueue(bulletin.pk)
        elif not is_pending(bulletin):
            _queue(bulletin, user=user, trigger=trigger)
    return bulletin


def scheduled_organizations() -> list[Organization]:
    """The county (and city) committees and every township: each gets its bulletin."""
    return list(Organization.objects.filter(level__in=SCHEDULED_LEVELS).order_by("path"))


def scheduled_bulletins(period: Period) -> list[Bulletin]:
    """The schedule's run for `period`: one record per scheduled organisation; a finished
    or running one is kept, a missing, queued or failed one is (re)built. Returns the
    records queued by this run. Running it twice creates nothing more."""
    queued: list[Bulletin] = []
    for org in scheduled_organizations():
        with transaction.atomic():
            bulletin, created = _get_or_create(
                org, period, user=None, trigger=Bulletin.Trigger.SCHEDULE
            )
            if created:
                _enqueue(bulletin.pk)
            elif bulletin.status == Bulletin.Status.FAILED or is_stale(bulletin):
                _queue(bulletin, user=None, trigger=Bulletin.Trigger.SCHEDULE)
            elif bulletin.status == Bulletin.Status.QUEUED:
                # Perhaps lost with a broker restart: send it again. generate() runs a
                # queued record once, so a duplicate message does nothing.
                _enqueue(bulletin.pk)
            else:
                continue  # done, or being built right now
        queued.append(bulletin)
    return queued


def requeue_stale(*, now: datetime.datetime | None = None) -> list[int]:
    """Every record left running by a worker that died (older than the task's hard time
    limit: no live worker still has it) goes back to the queue and is sent again through
    the outbox, whatever its organisation, period or trigger. Beat runs this every few
    minutes, so a killed worker costs a delay, not a bulletin. Returns the ids queued.

    Each record is re-read under a row lock and re-checked, in its own transaction: two
    runs at once (or a run racing a worker that claims the record) queue it only once.
    The killed attempt stays counted; after the last allowed attempt the record is left
    FAILED instead, so a bulletin that kills its worker every time (out of memory) is not
    rebuilt for ever, and the page says why."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=hard_time_limit())
    candidates = list(
        Bulletin.objects.filter(status=Bulletin.Status.RUNNING, started_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    requeued: list[int] = []
    for pk in candidates:
        with transaction.atomic():
            bulletin = Bulletin.objects.select_for_update().filter(pk=pk).first()
            if bulletin is None or not is_stale(bulletin, now):
                continue  # finished, re-queued or claimed again meanwhile
            if _requeue_interrupted(bulletin):
                requeued.append(bulletin.pk)
    if requeued:
        logger.warning("Bulletins interrupted by a dead worker, queued again: %s", requeued)
    return requeued


def _requeue_interrupted(bulletin: Bulletin) -> bool:
    """Queue an interrupted record again (True) or, its attempts used up, fail it."""
    attempts_allowed = 1 + setting("BULLETIN_MAX_RETRIES")
    bulletin._history_user = None  # the system acts, not the person who asked
    if bulletin.attempts >= attempts_allowed:
        bulletin.status = Bulletin.Status.FAILED
        bulletin.error = _(
            "生成 %(n)d 次均被中断（处理进程停止，可能内存不足），已停止自动重试。"
            "请重新生成或联系管理员。"
        ) % {"n": bulletin.attempts}
        bulletin.save(update_fields=["status", "error"])
        logger.error("Bulletin %s interrupted %s times: failed", bulletin.pk, bulletin.attempts)
        return False
    bulletin.status = Bulletin.Status.QUEUED
    bulletin.started_at = None
    bulletin.error = _("第 %(n)d 次尝试被中断（处理进程停止），已自动重新排队。") % {
        "n": bulletin.attempts
    }
    bulletin.save(update_fields=["status", "started_at", "error"])
    _enqueue(bulletin.pk)
    return True


def schedule_due_period(today: datetime.date | None = None) -> Period:
    """The latest quarter whose bulletins are due: a quarter's are built
    `BULLETIN_DELAY_DAYS` after its lists' deadline (`CHECKLIST_DEADLINE_DAYS` after the
    quarter), so they report lists that had their chance to be submitted."""
    today = today or timezone.localdate()
    period = Period.quarter_of(today).previous
    if today < due_date(period):
        period = period.previous
    return period


def due_date(period: Period) -> datetime.date:
    return period.last_day + datetime.timedelta(
        days=settings.CHECKLIST_DEADLINE_DAYS + setting("BULLETIN_DELAY_DAYS")
    )


# ---------------------------------------------------------------- building one


# Limits that keep a county bulletin dense (about 10–15 pages): longer lists go to the
# appendices, which print every row.
PRAISE_LIMIT = 10
TENTH = Decimal("0.1")
FAILED_ITEMS_LIMIT = 10
BODY_ROWS = 15
#: an appendix prints at most this many rows (about eight pages); a city's 1,800 villages
#: would otherwise take a hundred pages, and the health page's export has every row
APPENDIX_ROWS = 300
#: a table of contents is printed when the estimate reaches this many pages
TOC_MIN_PAGES = 5
#: rows of a dense table on one A4 page, and the pages the fixed sections take
ROWS_PER_PAGE = 38
FIXED_PAGES = 6

THREE_PROBLEMS = (health.FEWER_THAN_10_MEMBERS, health.NO_MEMBER_UNDER_40, health.NO_FEMALE_MEMBER)
TERM_RULES = (health.TERM_EXPIRED, health.TERM_EXPIRING)
BRANCH_SIZE_RULES = (health.BRANCH_OVER_50, health.FEWER_THAN_3_FULL_MEMBERS)
FUNDING_RULES = (
    COUNTY_BELOW_BUDGET_LINE,
    FISCAL_REVENUE_MISSING,
    FUND_BELOW_STANDARD,
    FUND_NOT_DISBURSED,
)


@dataclass(frozen=True)
class DetailTable:
    """A list that may be long: the body shows its first rows and, when there are more,
    an appendix prints all of them."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    empty: str
    appendix: str = ""

    @property
    def body_rows(self) -> list[list[str]]:
        return self.rows[:BODY_ROWS]

    @property
    def appendix_rows(self) -> list[list[str]]:
        return self.rows[:APPENDIX_ROWS]

    @property
    def left_out(self) -> int:
        """Rows the appendix does not print (they are in the health page's export)."""
        return max(0, len(self.rows) - APPENDIX_ROWS)


@dataclass(frozen=True)
class ProblemVillage:
    code: str
    name: str
    problems: list[str]


@dataclass(frozen=True)
class WeakLaxRow:
    code: str
    name: str
    situations: list[str]
    deadline: datetime.date
    status: str
    overdue: bool


@dataclass(frozen=True)
class NamedOrganization:
    code: str
    name: str
    reason: str


def _problem_villages(findings: list[health.Finding]) -> list[ProblemVillage]:
    """Every village with one of the three problems, each named with all of its problems."""
    by_village: dict[str, tuple[health.Finding, list[str]]] = {}
    for finding in findings:
        if finding.rule in THREE_PROBLEMS:
            entry = by_village.setdefault(finding.org_path, (finding, []))
            entry[1].append(finding.rule_label)
    return [
        ProblemVillage(first.code, first.name, problems)
        for _path, (first, problems) in sorted(by_village.items())
    ]


def _weak_and_lax(org: Organization, year: int, as_of: datetime.date) -> list[WeakLaxRow]:
    """The year's register entries as they stood on `as_of`: registered by then, closed
    only if the closing date had come (the register keeps the dates)."""
    rows = []
    for entry in register.register_for(org, year):
        if register.registered_on(entry) > as_of:
            continue
        if entry.review_on and entry.review_on <= as_of:
            status = entry.status
        elif entry.closed_on and entry.closed_on <= as_of:
            status = WeakLaxStatus.CLOSED
        else:
            status = WeakLaxStatus.RECTIFYING
        rows.append(
            WeakLaxRow(
                code=entry.organization.code,
                name=entry.organization.name,
                situations=register.situation_labels(entry.situations),
                deadline=entry.deadline,
                status=register.status_label(status),
                overdue=status == WeakLaxStatus.RECTIFYING and entry.deadline < as_of,
            )
        )
    return rows


def _economy_year(org: Organization, period: Period) -> int | None:
    """Collective income is reported by year: the latest year with records up to the
    period's year."""
    return next((year for year in economy_years(org) if year <= period.year), None)


def _praise_and_rectify(
    org: Organization, quarter: Quarter, weak: list[WeakLaxRow]
) -> tuple[list[NamedOrganization], list[NamedOrganization]]:
    """Praise: the best approved lists at or above the pass score. Rectify: approved
    lists below it, lists not submitted, and weak-and-lax rectification past its
    deadline. The pass score is the configured 达标 line (assessments.standards)."""
    line = Decimal(pass_score())
    ranked = list_figures.organization_ranking(org=org, quarter=quarter)
    praise = [
        NamedOrganization(row.code, row.name, _("责任清单得分 %(score)s 分") % {"score": row.score})
        for row in ranked
        if row.score is not None and row.score >= line
    ][:PRAISE_LIMIT]
    rectify = [
        NamedOrganization(
            row.code,
            row.name,
            _("责任清单得分 %(score)s 分，低于 %(line)s 分") % {"score": row.score, "line": line},
        )
        for row in reversed(ranked)
        if row.score is not None and row.score < line
    ]
    unsubmitted = (
        list_figures.lists_of(org=org, quarter=quarter)
        .exclude(status__in=list_figures.SUBMITTED)
        .order_by("organization__path")
        .values_list("organization__code", "organization__name", "status")
    )
    rectify += [
        NamedOrganization(code, name, _("责任清单%(s)s") % {"s": ListStatus(status).label})
        for code, name, status in unsubmitted
    ]
    rectify += [
        NamedOrganization(row.code, row.name, _("软弱涣散整顿逾期未销号"))
        for row in weak
        if row.overdue
    ]
    return praise, rectify


APPENDIX_LABELS = (_lazy("附录一"), _lazy("附录二"), _lazy("附录三"), _lazy("附录四"))


def _shares(rows: list[tuple[str, str, int]]) -> list[tuple[str, int, Decimal | None]]:
    """(label, count, share %) of a member structure."""
    total = sum(n for _value, _label, n in rows)
    return [
        (label, n, (Decimal(100) * n / total).quantize(TENTH, ROUND_HALF_UP) if total else None)
        for _value, label, n in rows
    ]


def _chart(title: str, labels: list, values: list, **options: Any):
    """A bar chart, or None when there is nothing to draw (no value known)."""
    if not any(value is not None for value in values):
        return None
    return bar_chart(title=str(title), labels=[str(x) for x in labels], values=values, **options)


def bulletin_context(
    *, org: Organization, period: Period, today: datetime.date | None = None
) -> dict[str, Any]:
    """Everything the bulletin template shows. The key figures and the ranking come from
    reports.figures, exactly as on the dashboard; the detail sections from the selectors
    those figures are built on, all as of the period's last day (or today while it runs)."""
    today = today or timezone.localdate()
    as_of = figures.as_of_for(period, today=today)
    past = as_of if as_of < today else None
    quarter = figures.quarter_of(period)
    overview = figures.overview(org=org, period=period, today=today)
    ranking = figures.ranking(org=org, period=period, today=today)
    snapshot = figures.snapshot(org=org, period=period, today=today)

    findings = figures.period_findings(org=org, period=period, today=today)  # computed once
    by_rule: dict[str, list[health.Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    problem_villages = _problem_villages(findings)
    weak = _weak_and_lax(org, period.year, as_of)

    structure = member_structure(org, as_of=past)
    dues = dues_collection(org, period.first_day, as_of)
    funds_by_child = totals_by_child(org, period.year, as_of=past)
    economy_year = _economy_year(org, period)
    economy = economy_figures(org=org, year=economy_year) if economy_year else None
    praise, rectify = _praise_and_rectify(org, quarter, weak)
    failed_items = list_figures.most_failed_items(
        org=org, quarter=quarter, limit=FAILED_ITEMS_LIMIT
    )

    rule_rows = [
        (str(health.RULE_LABELS.get(rule, rule)), len(items)) for rule, items in by_rule.items()
    ]
    detail_rows = (
        len(problem_villages)
        + sum(len(by_rule.get(rule, [])) for rule in (*TERM_RULES, *BRANCH_SIZE_RULES))
        + len(weak)
        + len(ranking)
        + len(rectify)
        + len(funds_by_child)
    )
    estimated_pages = FIXED_PAGES + detail_rows // ROWS_PER_PAGE
    term_findings = [f for rule in TERM_RULES for f in by_rule.get(rule, [])]
    branch_findings = [f for rule in BRANCH_SIZE_RULES for f in by_rule.get(rule, [])]
    labels = iter(APPENDIX_LABELS)

    def table(key: str, title: str, columns: list, rows: list, empty: str) -> DetailTable:
        appendix = str(next(labels)) if len(rows) > BODY_ROWS else ""
        return DetailTable(key, str(title), [str(c) for c in columns], rows, str(empty), appendix)

    finding_columns = [_("党组织"), _("问题"), _("情况")]
    building_tables = [
        table(
            "villages",
            _("存在“三个问题”的村（社区）"),
            [_("村（社区）"), _("存在的问题")],
            [[v.name, "、".join(v.problems)] for v in problem_villages],
            _("没有党员少于规定人数、没有40岁以下党员或没有女党员的村（社区）。"),
        ),
        table(
            "terms",
            _("换届情况"),
            finding_columns,
            [[f.name, f.rule_label, f.message] for f in term_findings],
            _("没有任期已届满或即将届满的党组织。"),
        ),
        table(
            "branches",
            _("党支部规模"),
            finding_columns,
            [[f.name, f.rule_label, f.message] for f in branch_findings],
            _("没有党员过多或正式党员不足的党支部。"),
        ),
    ]
    rectify_table = table(
        "rectify",
        _("限期整改"),
        [_("党组织"), _("原因")],
        [[row.name, row.reason] for row in rectify],
        _("没有需要点名整改的党组织。"),
    )
    tables = [*building_tables, rectify_table]
    return {
        "org": org,
        "period": period,
        "as_of": as_of,
        "issued_on": today,
        "overview": overview,
        "ranking": ranking,
        "lists": snapshot.lists,
        "failed_items": failed_items,
        "findings_total": len(findings),
        "rule_rows": rule_rows,
        "building_tables": building_tables,
        "rectify_table": rectify_table,
        "appendices": [t for t in tables if t.appendix],
        "funding_findings": [f for rule in FUNDING_RULES for f in by_rule.get(rule, [])],
        "weak_and_lax": weak,
        "weak_and_lax_open": sum(1 for row in weak if row.status == WeakLaxStatus.RECTIFYING.label),
        "member_figures": overview.group("members").figures,
        "structure": [
            (_("年龄结构"), _shares(structure["age_band"])),
            (_("学历结构"), _shares(structure["education"])),
            (_("性别结构"), _shares(structure["gender"])),
        ],
        "dues": dues,
        "funds": snapshot.funds,
        "funds_by_child": funds_by_child,
        "sites": snapshot.sites,
        "economy": economy,
        "praise": praise,
        "show_toc": estimated_pages >= TOC_MIN_PAGES,
        "charts": {
            "ranking": _chart(
                _("下一级党组织责任清单平均得分"),
                [row.name for row in ranking],
                [row.average_score for row in ranking],
                unit=_("分"),
                max_value=100,
            ),
            "rules": _chart(
                _("组织体检发现的问题（按规则）"),
                [label for label, _n in rule_rows],
                [n for _label, n in rule_rows],
                unit=_("项"),
            ),
            "age": _chart(
                _("党员年龄结构"),
                [label for _value, label, _n in structure["age_band"]],
                [n for _value, _label, n in structure["age_band"]],
                unit=_("名"),
            ),
            "funds": _chart(
                _("党建经费执行率"),
                [row.label for row in funds_by_child],
                [row.totals.rate for row in funds_by_child],
                unit="%",
                max_value=100,
            ),
            "sites": _chart(
                _("阵地建设项目（按阶段）"),
                [item.label for item in snapshot.sites.by_stage],
                [item.count for item in snapshot.sites.by_stage],
                unit=_("个"),
            ),
        },
    }


def bulletin_html(*, org: Organization, period: Period) -> str:
    return render_to_string("reports/bulletin.html", bulletin_context(org=org, period=period))


def build_bulletin(*, org: Organization, period: Period) -> tuple[bytes, int]:
    """The PDF of the bulletin and its page count (raises pdf.PdfError)."""
    from core.pdf import check_cjk_font, render_pdf

    check_cjk_font()  # before the queries: a missing font should fail fast
    return render_pdf(bulletin_html(org=org, period=period))


# ---------------------------------------------------------------- running a record


def _claim(bulletin_id: int) -> Bulletin | None:
    """Mark the record running if it is waiting (or its runner died); None otherwise, so
    a redelivered or duplicate message does nothing."""
    with transaction.atomic():
        bulletin = (
            Bulletin.objects.select_for_update()
            .select_related("organization")
            .filter(pk=bulletin_id)
            .first()
        )
        if bulletin is None:
            return None
        if bulletin.status != Bulletin.Status.QUEUED and not is_stale(bulletin):
            return None
        bulletin.status = Bulletin.Status.RUNNING
        bulletin.started_at = timezone.now()
        bulletin.attempts += 1
        bulletin._history_user = bulletin.requested_by
        bulletin.save(update_fields=["status", "started_at", "attempts"])
    return bulletin


#: where the records' files are stored (`Bulletin.file`'s upload_to, without the year)
BULLETIN_FOLDER = "bulletins"


def file_name(bulletin: Bulletin) -> str:
    return f"bulletin-{bulletin.pk}-{bulletin.period}.pdf"


def download_name(bulletin: Bulletin) -> str:
    return f"{bulletin.organization.name}{bulletin.period.label}进展通报.pdf"


def _store(bulletin: Bulletin, data: bytes, pages: int) -> None:
    """Save the new file, record it, then delete the old one: the record never points at
    a missing file, and the disk keeps one file per bulletin."""
    old_name = bulletin.file.name
    bulletin.file.save(file_name(bulletin), ContentFile(data), save=False)
    try:
        bulletin.status = Bulletin.Status.DONE
        bulletin.pages = pages
        bulletin.generated_at = timezone.now()
        bulletin.error = ""
        bulletin._history_user = bulletin.requested_by
        bulletin.save()
    except Exception:
        bulletin.file.storage.delete(bulletin.file.name)
        raise
    if old_name and old_name != bulletin.file.name:
        bulletin.file.storage.delete(old_name)
    _delete_leftovers(bulletin)


def _delete_leftovers(bulletin: Bulletin) -> None:
    """Delete files of this record that it does not point at: a worker killed between
    saving the file and saving the record leaves one behind (under the year it ran in)."""
    storage = bulletin.file.storage
    folder = BULLETIN_FOLDER
    prefix = f"bulletin-{bulletin.pk}-"
    try:
        years, _files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for year in years:
        for name in storage.listdir(f"{folder}/{year}")[1]:
            path = f"{folder}/{year}/{name}"
            if name.startswith(prefix) and name.endswith(".pdf") and path != bulletin.file.name:
                logger.warning(
                    "Bulletin %s: deleting a file left by an attempt: %s", bulletin.pk, path
                )
                storage.delete(path)


def failure_message(exc: BaseException) -> str:
    from celery.exceptions import SoftTimeLimitExceeded

    from core.pdf import PdfError

    if isinstance(exc, PdfError):
        return str(exc)
    if isinstance(exc, SoftTimeLimitExceeded):
        return _("生成超时（超过 %(seconds)d 秒），已停止。请缩小通报范围或联系管理员。") % {
            "seconds": setting("BULLETIN_SOFT_TIME_LIMIT")
        }
    return _("生成时出错：%(error)s") % {"error": f"{type(exc).__name__}: {exc}"}


def is_curable(exc: BaseException) -> bool:
    """Whether another attempt may succeed: not for a missing font, a refused resource or
    a time-out, which would fail the same way again."""
    from celery.exceptions import SoftTimeLimitExceeded

    from core.pdf import PdfError

    return not isinstance(exc, PdfError | SoftTimeLimitExceeded)


def _record_failure(bulletin: Bulletin, message: str, *, final: bool) -> None:
    if final:
        bulletin.status = Bulletin.Status.FAILED
        bulletin.error = message[:ERROR_MAX]
    else:
        bulletin.status = Bulletin.Status.QUEUED
        bulletin.error = (
            _("第 %(n)d 次尝试失败，稍后自动重试：%(message)s")
            % {"n": bulletin.attempts, "message": message}
        )[:ERROR_MAX]
    bulletin._history_user = bulletin.requested_by
    bulletin.save(update_fields=["status", "error"])


def generate(bulletin_id: int, *, may_retry: bool = False) -> Bulletin | None:
    """Build the PDF of one record: running → done (file, pages, time) or failed with
    the reason. None when the record is gone or not waiting to be built."""
    bulletin = _claim(bulletin_id)
    if bulletin is None:
        return None
    try:
        data, pages = build_bulletin(org=bulletin.organization, period=bulletin.period)
        _store(bulletin, data, pages)
    except Exception as exc:
        retry = may_retry and is_curable(exc)
        logger.exception(
            "Bulletin %s (%s) failed, attempt %s%s",
            bulletin.pk,
            bulletin,
            bulletin.attempts,
            ", will retry" if retry else "",
        )
        _record_failure(bulletin, failure_message(exc), final=not retry)
        if retry:
            raise RetryLater(str(exc)) from exc
    return bulletin
