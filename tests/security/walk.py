"""The machinery of the URL walk: every pattern of the project from the resolver, concrete
URLs filled from one side of the world, the forms a page offers (to replay them from the
wrong account), crafted values for the parameters read as dates, what a response reveals,
and whether the database changed."""

from __future__ import annotations

import html
import io
import itertools
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from orgs.models import Organization
from tests.security.world import MONTH, TODAY, YEAR, Side, World, png

# --- patterns -----------------------------------------------------------------------------

ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
PLAIN_GROUP = re.compile(r"\((?!\?)[^)]*\)")


@dataclass(frozen=True)
class Pattern:
    route: str  # the full pattern as text, e.g. "orgs/<str:code>/life/<int:pk>/"
    name: str  # namespaced URL name ("orgs:life_record"); "" for unnamed admin redirects
    segments: tuple  # the pattern objects from the root down
    params: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")

    def admin_model(self):
        """The model of an admin URL such as admin/members/member/<path:object_id>/change/."""
        parts = self.route.split("/")
        if len(parts) > 3:
            try:
                return apps.get_model(parts[1], parts[2])
            except (LookupError, ValueError):
                return None
        return None


def _segment_text(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return str(pattern)
    text = pattern.regex.pattern
    return text.removeprefix("^").removesuffix("$").removesuffix(r"\Z")


def _segment_params(pattern) -> list[str]:
    text = _segment_text(pattern)
    if isinstance(pattern, RoutePattern):
        return [m["name"] for m in ROUTE_PARAM.finditer(text)]
    named = [m["name"] for m in NAMED_GROUP.finditer(text)]
    plain = [f"arg{i}" for i, _ in enumerate(PLAIN_GROUP.finditer(NAMED_GROUP.sub("", text)))]
    return named + plain


def all_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(resolver: URLResolver, segments: tuple, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                walk(entry, (*segments, entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                chain = (*segments, entry.pattern)
                params = tuple(p for s in chain for p in _segment_params(s))
                route = "".join(_segment_text(s) for s in chain)
                name = namespace + entry.name if entry.name else ""
                found.append(Pattern(route=route, name=name, segments=chain, params=params))

    walk(get_resolver(), (), "")
    return found


def build_url(pattern: Pattern, values: dict[str, Any]) -> str:
    parts = []
    for segment in pattern.segments:
        text = _segment_text(segment)
        if isinstance(segment, RoutePattern):
            text = ROUTE_PARAM.sub(lambda m: str(values[m["name"]]), text)
        else:
            text = NAMED_GROUP.sub(lambda m: str(values[m["name"]]), text)
            positional = iter(str(values[f"arg{i}"]) for i in range(len(PLAIN_GROUP.findall(text))))
            text = PLAIN_GROUP.sub(lambda m, given=positional: next(given), text)
            text = text.replace("\\", "")
        parts.append(text)
    return "/" + "".join(parts)


# --- filling parameters from one side of the world ------------------------------------------


class Unfillable(Exception):
    """A pattern has a parameter this table does not know: add it (deliberately)."""


def _o(side: Side):
    return side.objects


# Portal URLs: name → the parameters, taken from one side's objects. A new URL with a
# parameter makes the walk fail until it is added here, so no URL escapes the walk.
PORTAL_PARAMS: dict[str, Callable[[Side, World], dict[str, Any]]] = {
    "orgs:detail": lambda s, w: {"code": s.village.code},
    "teams:team": lambda s, w: {"code": s.village.code},
    "teams:committee_add": lambda s, w: {"code": s.village.code},
    "teams:committee_end": lambda s, w: {
        "code": s.village.code,
        "pk": _o(s).committee_member.pk,
    },
    "teams:committee_delete": lambda s, w: {
        "code": s.village.code,
        "pk": _o(s).committee_member.pk,
    },
    "teams:election_add": lambda s, w: {"code": s.village.code},
    "teams:election_approve": lambda s, w: {"code": s.village.code, "pk": _o(s).election.pk},
    "teams:election_delete": lambda s, w: {"code": s.village.code, "pk": _o(s).election.pk},
    "teams:candidates": lambda s, w: {"code": s.village.code},
    "teams:candidate": lambda s, w: {"code": s.village.code, "pk": _o(s).candidate.pk},
    "teams:candidate_delete": lambda s, w: {"code": s.village.code, "pk": _o(s).candidate.pk},
    "teams:reserves": lambda s, w: {"code": s.village.code},
    "teams:reserve": lambda s, w: {"code": s.village.code, "pk": _o(s).reserve.pk},
    "teams:postings": lambda s, w: {"code": s.village.code},
    "teams:posting": lambda s, w: {"code": s.village.code, "pk": _o(s).posting.pk},
    "teams:pay": lambda s, w: {"code": s.village.code},
    "teams:pay_row": lambda s, w: {"code": s.village.code, "pk": _o(s).cadre_pay.pk},
    "teams:pay_standard": lambda s, w: {"pk": _o(s).pay_standard.pk},
    "orgs:life": lambda s, w: {"code": s.village.code},
    "orgs:life_new": lambda s, w: {"code": s.village.code},
    "orgs:life_record": lambda s, w: {"code": s.village.code, "pk": _o(s).life.pk},
    "orgs:life_edit": lambda s, w: {"code": s.village.code, "pk": _o(s).life.pk},
    "orgs:life_delete": lambda s, w: {"code": s.village.code, "pk": _o(s).life.pk},
    "orgs:life_file": lambda s, w: {
        "code": s.village.code,
        "pk": _o(s).life.pk,
        "file_pk": _o(s).life_file.pk,
    },
    "members:detail": lambda s, w: {"pk": _o(s).member.pk},
    "members:edit": lambda s, w: {"pk": _o(s).member.pk},
    "members:transfer_create": lambda s, w: {"pk": _o(s).member.pk},
    "members:case_detail": lambda s, w: {"pk": _o(s).case.pk},
    "members:case_advance": lambda s, w: {"pk": _o(s).case.pk},
    "members:case_extend": lambda s, w: {"pk": _o(s).case.pk},
    "members:case_approval": lambda s, w: {"pk": _o(s).case.pk},
    "members:transfer_detail": lambda s, w: {"pk": _o(s).transfer.pk},
    "members:transfer_letter_issue": lambda s, w: {"pk": _o(s).outbound.pk},
    "members:transfer_letter_pdf": lambda s, w: {"pk": _o(s).outbound.pk},
    "members:transfer_receipt": lambda s, w: {"pk": _o(s).outbound.pk},
    "members:appraisal_edit": lambda s, w: {"pk": _o(s).appraisal.pk},
    "members:attendance": lambda s, w: {"code": s.village.code, "pk": _o(s).life.pk},
    "members:groups": lambda s, w: {"code": s.village.code},
    "members:group": lambda s, w: {"code": s.village.code, "pk": _o(s).party_group.pk},
    "members:dues_waiver_create": lambda s, w: {"pk": _o(s).member.pk},
    "members:dues_waiver_edit": lambda s, w: {"pk": _o(s).waiver.pk},
    "members:dues_waiver_withdraw": lambda s, w: {"pk": _o(s).waiver.pk},
    "members:case_close": lambda s, w: {"pk": _o(s).case.pk},
    "members:case_training": lambda s, w: {"pk": _o(s).case.pk},
    "members:transfer_decide": lambda s, w: {"pk": _o(s).transfer.pk},
    "members:mobile_contact": lambda s, w: {"pk": _o(s).mobile.pk},
    "members:dues_sheet": lambda s, w: {
        "code": s.village.code,
        "year": MONTH.year,
        "month": MONTH.month,
    },
    "funding:line": lambda s, w: {"code": _o(s).fund.code},
    "funding:disbursement_delete": lambda s, w: {
        "code": _o(s).fund.code,
        "pk": _o(s).disbursement.pk,
    },
    "funding:site": lambda s, w: {"code": _o(s).site.code},
    "funding:site_edit": lambda s, w: {"code": _o(s).site.code},
    "funding:site_stage": lambda s, w: {"code": _o(s).site.code},
    "funding:site_upload": lambda s, w: {"code": _o(s).site.code},
    "funding:site_file": lambda s, w: {"code": _o(s).site.code, "pk": _o(s).site_file.pk},
    "funding:site_file_delete": lambda s, w: {
        "code": _o(s).site.code,
        "pk": _o(s).site_file.pk,
    },
    "assessments:register_entry": lambda s, w: {"pk": _o(s).weak_lax.pk},
    "assessments:register_edit": lambda s, w: {"pk": _o(s).weak_lax.pk},
    "assessments:register_close": lambda s, w: {"pk": _o(s).weak_lax.pk},
    "assessments:register_review": lambda s, w: {"pk": _o(s).weak_lax.pk},
    "assessments:review_detail": lambda s, w: {"code": s.village.code, "year": YEAR},
    "assessments:standards_sheet": lambda s, w: {
        "code": s.village.code,
        "year": _o(s).standards.year,
    },
    "checklists:fill": lambda s, w: {"pk": _o(s).checklist.pk},
    "checklists:submit": lambda s, w: {"pk": _o(s).checklist.pk},
    "checklists:evidence": lambda s, w: {"pk": _o(s).evidence.pk},
    "checklists:review": lambda s, w: {"pk": _o(s).checklist.pk},
    "checklists:rectification_report": lambda s, w: {"pk": _o(s).rectification.pk},
    "checklists:rectification_close": lambda s, w: {"pk": _o(s).rectification.pk},
    "checklists:rectification_edit": lambda s, w: {"pk": _o(s).rectification.pk},
    # Templates are county-wide (no side): the walk checks that A's users cannot change them.
    "checklists:template": lambda s, w: {"pk": w.shared.template.pk},
    "checklists:template_edit": lambda s, w: {"pk": w.shared.template.pk},
    "checklists:template_item_new": lambda s, w: {"pk": w.shared.template.pk},
    "checklists:template_item": lambda s, w: {
        "pk": w.shared.template.pk,
        "item_pk": w.shared.template_item.pk,
    },
    "checklists:template_item_delete": lambda s, w: {
        "pk": w.shared.template.pk,
        "item_pk": w.shared.template_item.pk,
    },
    "notifications:read": lambda s, w: {"pk": _o(s).notification.pk},
    # reports/bulletin_urls.py (mounted at /bulletins/ by config/urls.py).
    "bulletins:download": lambda s, w: {"pk": _o(s).bulletin.pk},
}

MISSING_PK = 987654321


def admin_object(model, side: Side) -> Any:
    """The side's row of `model` (or any row of a county-wide table; None if empty)."""
    o = side.objects
    label = model._meta.label_lower
    by_label = {
        "orgs.organization": side.village,
        "accounts.user": o.staff,
        "accounts.assignment": o.staff_assignment,
        "portal.exportlog": o.export_log,
        "core.importjob": o.import_job,
        "core.notification": o.notification,
    }
    if label in by_label:
        return by_label[label]
    queryset = model._default_manager.all()
    prefix = getattr(queryset, "scope_prefix", None)
    if prefix is not None:
        return queryset.filter(**{f"{prefix}path__startswith": side.town.path}).first()
    if model._meta.app_label == "axes":
        return queryset.filter(username=o.staff.username).first()
    return queryset.order_by("pk").first()


def admin_params(pattern: Pattern, side: Side, world: World) -> dict[str, Any]:
    model = pattern.admin_model()
    obj = admin_object(model, side) if model else None
    pk = obj.pk if obj is not None else MISSING_PK
    values: dict[str, Any] = {}
    for name in pattern.params:
        if name in ("object_id", "arg0", "id"):
            values[name] = pk
        elif name == "arg1":  # simple-history: /<object id>/history/<history id>/
            history = getattr(obj, "history", None)
            latest = history.order_by("-history_id").first() if history is not None else None
            values[name] = latest.history_id if latest else MISSING_PK
        elif name == "job_id":
            values[name] = side.objects.import_job.pk
        elif name == "content_type_id":
            values[name] = ContentType.objects.get_for_model(side.objects.member).pk
        elif name == "app_label":
            values[name] = "members"
        elif name == "url":
            values[name] = f"members/member/{side.objects.member.pk}"
        else:
            raise Unfillable(f"{pattern.route}: parameter {name!r}")
    if "content_type_id" in values:
        values["object_id"] = side.objects.member.pk
    return values


def params_for(pattern: Pattern, side: Side, world: World) -> dict[str, Any]:
    if not pattern.params:
        return {}
    if pattern.is_admin:
        return admin_params(pattern, side, world)
    if pattern.name not in PORTAL_PARAMS:
        raise Unfillable(f"{pattern.route} ({pattern.name}): parameters {pattern.params}")
    values = PORTAL_PARAMS[pattern.name](side, world)
    if set(values) != set(pattern.params):
        raise Unfillable(f"{pattern.route}: table gives {sorted(values)}, URL has {pattern.params}")
    return values


# --- forms a page offers ------------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str, dict]] = field(default_factory=list)  # (tag, name, info)


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []  # every <a href>, for the query parameters a page uses
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self.forms.append(
                Form(method=a.get("method", "get").lower(), action=a.get("action", ""))
            )
            return
        if not self.forms:
            return
        form = self.forms[-1]
        if tag in ("input", "button") and a.get("name"):
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            form.fields.append((tag, a["name"], {"type": kind, **a}))
        elif tag == "select" and a.get("name"):
            self._select = {"type": "select", "multiple": "multiple" in a, "options": [], **a}
            form.fields.append(("select", a["name"], self._select))
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"type": "textarea", "text": "", **a}
            form.fields.append(("textarea", a["name"], self._textarea))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data
        if self._option is not None:
            self._option["text"] += data


def page_forms(body: str) -> list[Form]:
    parser = FormParser()
    parser.feed(body)
    return parser.forms


# A required field the page leaves empty (an "add" form) gets what a user would type.
PLAUSIBLE: dict[str, Callable[[dict], str]] = {
    "number": lambda info: info.get("min") or "1",
    "date": lambda info: TODAY.isoformat(),
    "tel": lambda info: "13900000000",
    "email": lambda info: "walk@example.com",
    "text": lambda info: "巡查填写",
    "textarea": lambda info: "巡查填写",
}


def form_data(form: Form, prefer: set[str], marker: bytes, *, typed: bool = True) -> dict[str, Any]:
    """What a browser would submit, choosing `prefer`red option values (the side's own
    organisations and records) where a drop-down offers them, and, when `typed`, what a
    user would type into the required fields the page left empty and a real PNG for file
    inputs (without: the form exactly as the page filled it)."""
    data: dict[str, Any] = {}
    clicked = False
    for _tag, name, info in form.fields:
        kind = info["type"]
        if kind == "select":
            options = [o for o in info["options"] if o["value"] is not None]
            if info["multiple"]:
                chosen = [o["value"] for o in options if o["selected"] or o["value"] in prefer]
                data.setdefault(name, []).extend(chosen)
                continue
            pick = next((o for o in options if o["value"] in prefer), None)
            pick = pick or next((o for o in options if o["selected"]), None)
            pick = pick or next((o for o in options if o["value"]), None)
            if pick is not None:
                data[name] = pick["value"]
        elif kind == "textarea":
            data[name] = info["text"].removeprefix("\n")
        elif kind in ("checkbox", "radio"):
            if "checked" in info:
                value = info.get("value") or "on"
                if kind == "checkbox":
                    data.setdefault(name, []).append(value)
                else:
                    data[name] = value
        elif kind == "file":
            if typed:
                data[name] = SimpleUploadedFile("walk.png", png(marker), content_type="image/png")
        elif kind in ("submit", "image"):
            if not clicked:
                data[name] = info.get("value", "")
                clicked = True
        elif kind not in ("reset", "button"):
            data.setdefault(name, info.get("value", ""))
        if typed and data.get(name) == "" and "required" in info:
            data[name] = PLAUSIBLE.get(kind, PLAUSIBLE["text"])(info)
    return data


def forms_to(body: str, path: str, method: str) -> list[Form]:
    """The page's forms that submit to `path` itself with `method`."""
    result = []
    for form in page_forms(body):
        action = re.split(r"[?#]", html.unescape(form.action))[0]
        if form.method == method and action in ("", path):
            result.append(form)
    return result


# --- crafted values for the parameters read as dates ----------------------------------------

#: Years no date can hold or no record of the portal has, in the shapes a period, quarter,
#: month or date is written: each goes wherever a date-like parameter is read, one query
#: parameter at a time, every combination in a route with several (year 1 and 9999 once
#: made the date arithmetic raise: a 500).
CRAFTED_YEARS = ("0001", "0000", "9999", "10000", "-1", "99999999999999999999", "２０２６")
CRAFTED = (
    "",
    *CRAFTED_YEARS,
    *(f"{year}Q1" for year in CRAFTED_YEARS),
    *("9999Q4", "2026Q5", "2026Q0", "Q5"),
    *(f"{year}-01" for year in CRAFTED_YEARS),
    *("9999-12", "2026-13", "2026-00"),
    *("0001-01-01", "9999-12-31", "2026-02-30", "２０２６-01-01"),
    *("0", "00", "12", "13"),
)

DATE_WORDS = {"year", "month", "quarter", "period", "date", "day", "on", "gt", "gte", "lt", "lte"}


def is_date_like(name: str) -> bool:
    """Whether a parameter is read as a period, quarter, month, year or date, by its name:
    ?period=, ?held_year=, ?held_on__gte= (admin filters), <int:year> …"""
    return bool(DATE_WORDS & set(re.split(r"_+", name.lower())))


def date_path_params(pattern: Pattern) -> list[str]:
    return [name for name in pattern.params if is_date_like(name)]


def crafted_paths(pattern: Pattern, values: dict[str, Any]) -> Iterator[str]:
    """The pattern's URL with its date-like parameters crafted: every combination of the
    filled value and the crafted ones (9999-12 takes both halves of <year>-<month>),
    quoted as a browser would (a value the route refuses does not resolve: a 404)."""
    names = date_path_params(pattern)
    if not names:
        return
    choices = [(str(values[name]), *CRAFTED) for name in names]
    for combination in itertools.product(*choices):
        crafted = {
            name: quote(value, safe="") for name, value in zip(names, combination, strict=True)
        }
        yield build_url(pattern, {**values, **crafted})


@dataclass(frozen=True)
class DateQuery:
    """A date-like GET parameter as a page sends it (by link or filter form), to itself or
    elsewhere (its export), with the rest of that query (?format=csv&org=…)."""

    path: str
    query: tuple[tuple[str, str], ...]
    name: str

    def url(self, value: str) -> str:
        query = [(k, v) for k, v in self.query if k != self.name] + [(self.name, value)]
        return f"{self.path}?{urlencode(query)}"


def date_queries(body: str, page: str) -> list[DateQuery]:
    parser = FormParser()
    parser.feed(body)
    sent: list[tuple[str, list[tuple[str, str]]]] = []
    for href in parser.links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not (parts.path or page).startswith("/"):
            continue
        sent.append((parts.path or page, parse_qsl(parts.query, keep_blank_values=True)))
    for form in parser.forms:
        action = urlsplit(form.action).path or page
        if form.method == "get" and action.startswith("/"):
            data = form_data(form, set(), b"")
            names = {name for _tag, name, _info in form.fields}
            query = [
                (k, str(v))
                for k, value in data.items()
                for v in (value if isinstance(value, list) else [value])
            ]
            query += [(name, "") for name in names - set(data)]
            sent.append((action, query))
    found: dict[tuple[str, str], DateQuery] = {}
    for path, query in sent:
        for name, _value in query:
            if is_date_like(name):
                found.setdefault((path, name), DateQuery(path, tuple(query), name))
    return list(found.values())


# --- what a response reveals --------------------------------------------------------------


def response_bytes(response) -> bytes:
    """The body; a streamed one (files) is read once and kept on the response."""
    if not getattr(response, "streaming", False):
        return response.content
    if not hasattr(response, "_walk_body"):
        response._walk_body = b"".join(response.streaming_content)
    return response._walk_body


def readable_text(response) -> str:
    """The text a user gets from the response: pages and CSV decoded, spreadsheets and
    PDFs opened; anything else as raw bytes (decoded loosely)."""
    body = response_bytes(response)
    content_type = response.get("Content-Type", "")
    if body.startswith(b"PK\x03\x04"):
        # A spreadsheet: the XML may hold text as character references (&#20057;…).
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return html.unescape(
                " ".join(
                    archive.read(name).decode("utf-8", "replace")
                    for name in archive.namelist()
                    if name.endswith(".xml")
                )
            )
    if body.startswith(b"%PDF") and shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-", "-"], input=body, capture_output=True, timeout=60, check=False
        )
        return result.stdout.decode("utf-8", "replace") + body.decode("latin-1")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = body.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = body.decode("latin-1")
    if "html" in content_type or "xml" in content_type:
        text = html.unescape(text)
    return text


def leaked(response, side: Side) -> list[str]:
    text = readable_text(response)
    found = [secret for secret in side.secrets if secret and secret in text]
    if side.file_marker in response_bytes(response):
        found.append(side.file_marker.decode())
    return found


# --- did the database change? -------------------------------------------------------------

# Tables that change as a side effect of requests and hold no portal data: sessions, and
# django-axes' login/logout bookkeeping (the walk posts to the logout URL too).
VOLATILE_TABLES = {"django_session", "axes_accesslog"}


def write_counter() -> int | None:
    """A number that grows with every row written in this transaction, if the backend has
    one (cheap); None means compare full dumps."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
            return cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                "FROM pg_stat_xact_user_tables"
            )
            return int(cursor.fetchone()[0])
    return None


def dump() -> dict[str, set[tuple]]:
    tables = sorted(set(connection.introspection.table_names()) - VOLATILE_TABLES)
    quote = connection.ops.quote_name
    result = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - our own table names
            result[table] = {tuple(map(repr, row)) for row in cursor.fetchall()}
    return result


def differences(before: dict[str, set[tuple]], after: dict[str, set[tuple]]) -> dict[str, str]:
    changed = {}
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, set()), after.get(table, set())
        if old != new:
            changed[table] = f"+{len(new - old)} -{len(old - new)} rows"
    return changed


# Writes that are not a change of anybody's data: an export is logged with the acting user,
# scope and row count (the exported content itself is checked for B's data); work queued in
# the outbox runs as the user, in their own scope (a bulletin asked for also writes its
# Bulletin row, which is checked); the audit trail records the walker's own sign-outs and
# exports. Only new rows.
ALLOWED_NEW_ROWS = {"portal_exportlog", "core_outboxtask", "audit_auditevent"}


class Probe:
    """Runs one request inside a savepoint, reports what it wrote, and rolls it back so
    that every request meets the same world."""

    def __init__(self):
        self.rebase()

    def rebase(self) -> None:
        """Take the current state as the reference (after a sign-in outside any probe)."""
        self.baseline = dump()

    def run(self, send: Callable[[], Any]) -> tuple[Any, dict[str, str]]:
        savepoint = transaction.savepoint()
        try:
            before = write_counter()
            response = send()
            after = write_counter()
            changed = {}
            if before is None or after != before:
                changed = differences(self.baseline, dump())
                for table in ALLOWED_NEW_ROWS:
                    if changed.get(table, "").endswith(" -0 rows"):
                        del changed[table]
        finally:
            transaction.savepoint_rollback(savepoint)
        return response, changed


def side_values(side: Side) -> set[str]:
    """Option values that point at the side's own rows (organisations by pk and code)."""
    o = side.objects
    values = set()
    for org in Organization.objects.filter(path__startswith=side.town.path):
        values |= {str(org.pk), org.code}
    for name in ("member", "mobile", "moving", "case", "fund", "site", "checklist"):
        values.add(str(getattr(o, name).pk))
    return values


def iter_fillable(
    patterns: list[Pattern], side: Side, world: World
) -> Iterator[tuple[Pattern, str]]:
    for pattern in patterns:
        yield pattern, build_url(pattern, params_for(pattern, side, world))


# --- harvesting the forms of one side -----------------------------------------------------

UPLOAD = object()  # placeholder for a file input: a fresh PNG is made for every request


@dataclass
class Harvest:
    """The forms one side's own users are offered, by the path they submit to."""

    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    pages_with_forms: set[str] = field(default_factory=set)

    def post_data(self, path: str) -> dict[str, Any]:
        data = self.posts.get(path, {})
        return {
            key: SimpleUploadedFile("walk.png", png(b"WALK-UPLOAD"), content_type="image/png")
            if value is UPLOAD
            else value
            for key, value in data.items()
        }


def _points_at(data: dict[str, Any], prefer: set[str]) -> bool:
    values = (v for value in data.values() for v in (value if isinstance(value, list) else [value]))
    return any(isinstance(v, str) and v in prefer for v in values)


def harvest(client_for: Callable[[Any], Any], users: list, urls: list[str], side: Side) -> Harvest:
    """GET every URL as each of `users` (the side's staff, then its secretary) and keep the
    forms: POST forms by their target path, filter (GET) forms by their own page."""
    prefer = side_values(side)
    found = Harvest()
    for user in users:
        client = client_for(user)
        for url in urls:
            try:
                response = client.get(url)
            except Exception:  # noqa: BLE001 - a crashing page is reported by the walk itself
                continue
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            body = response.content.decode()
            for form in page_forms(body):
                action = re.split(r"[?#]", html.unescape(form.action))[0] or url
                if not action.startswith("/"):
                    continue
                data = form_data(form, prefer, b"")
                data = {
                    k: (UPLOAD if isinstance(v, SimpleUploadedFile) else v) for k, v in data.items()
                }
                data.pop("csrfmiddlewaretoken", None)
                if form.method == "post":
                    found.posts.setdefault(action, data)
                    found.pages_with_forms.add(url)
                elif action == url and _points_at(data, prefer):
                    # A filter form set to the side's own organisation or record.
                    found.queries.setdefault(url, data)
                    found.pages_with_forms.add(url)
    return found
