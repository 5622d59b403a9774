"""The portal's realistic mix under load, against the city data set of
`seed_demo --scale city`. Run through benchmarks/load_test.py, which starts gunicorn,
PostgreSQL and Redis and bounds the run; by hand:

    .venv/bin/locust -f benchmarks/load/locustfile.py --headless -u 50 -r 5 -t 3m \\
        --host http://127.0.0.1:8871

Three kinds of users (weights 5 : 3 : 2):
- secretaries (load_sec_0001 …, one account per simulated user): open their quarter's
  list and save it with the form's own fields and revision, as the browser does;
- county or township staff: search and filter the member roster, page through it, open
  the review list and a submitted list to review;
- leaders: open the dashboard `/`.
Every user also asks for `/healthz` now and then: the floor, a Django request that does
no work, measured under the same load.

Request names group URLs by endpoint ("[pk]"), so the statistics are per endpoint.
A response other than the expected one (a save that is not a redirect, a conflict, a
login that fails) counts as a failure.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import time

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "dangjian-demo-2026")
SECRETARIES = int(os.environ.get("LOAD_SECRETARIES", "200"))
WAIT = (float(os.environ.get("LOAD_WAIT_MIN", "2")), float(os.environ.get("LOAD_WAIT_MAX", "6")))

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION_RE = re.compile(r'name="revision" value="(\d+)"')
ITEM_RE = re.compile(r'name="item-(\d+)-status"')
LIST_LINK_RE = re.compile(r'href="/checklists/(\d+)/"')
REVIEW_LINK_RE = re.compile(r'href="/checklists/review/(\d+)/')
# what staff type into the search box: a surname and a common given-name character
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国华明丽军平伟芳娜敏静秀英强磊"
FILTERS = (
    "gender=F&age_band=30-39&education=bachelor",
    "category=probationary",
    "mobile=yes",
    "age_band=ge60&job=retired",
    "education=postgraduate",
)
STATUSES = ("not_started", "in_progress", "done")
ACCOUNTS = (
    "已召开支部党员大会，学习会议精神，会议记录已归档。",
    "正在推进，本月内完成。",
    "已完成入户走访，收集群众意见 12 条。",
)

FILL_PAGE = "/checklists/[pk]/ (fill page)"
#: every request as "time, method, name, ms, failed" lines, for exact percentiles (locust's
#: own are rounded to two significant digits); set by load_test.py
SAMPLES = os.environ.get("LOAD_SAMPLES", "")
_samples = open(SAMPLES, "a", buffering=1) if SAMPLES else None  # noqa: SIM115 - whole run


@events.request.add_listener
def _record(request_type, name, response_time, exception, **_kwargs) -> None:
    if _samples is not None:
        _samples.write(
            f"{time.time():.3f}\t{request_type}\t{name}\t{response_time:.1f}\t"
            f"{int(bool(exception))}\n"
        )


_secretary_numbers = itertools.count(1)


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    username = ""

    def on_start(self) -> None:
        self.login(self.username)

    def login(self, username: str) -> None:
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF_RE.search(page.text)
        with self.client.post(
            "/accounts/login/",
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {username}: HTTP {response.status_code}")

    @task(1)
    def floor(self) -> None:
        self.client.get("/healthz", name="/healthz (floor)")


class Secretary(PortalUser):
    """A village secretary filling in the quarter's list on the portal."""

    weight = 5

    def on_start(self) -> None:
        number = (next(_secretary_numbers) - 1) % SECRETARIES + 1
        self.login(f"load_sec_{number:04d}")
        mine = self.client.get("/checklists/", name="/checklists/ (my lists)")
        # the current quarter's list comes first on the page
        link = LIST_LINK_RE.search(mine.text)
        self.list_pk = int(link.group(1)) if link else None
        self.page_text = ""

    def open_list(self) -> str:
        if self.list_pk is None:
            return ""
        with self.client.get(
            f"/checklists/{self.list_pk}/",
            name="/checklists/[pk]/ (fill page)",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not REVISION_RE.search(response.text):
                response.failure(f"fill page: HTTP {response.status_code}, no open form")
            self.page_text = response.text
        return self.page_text

    @task(4)
    def open_and_read(self) -> None:
        self.open_list()

    @task(3)
    def save(self) -> None:
        text = self.page_text or self.open_list()
        revision = REVISION_RE.search(text)
        token = CSRF_RE.search(text)
        if not (revision and token):
            return
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "revision": revision.group(1),
            "action": "save",
        }
        for item in dict.fromkeys(ITEM_RE.findall(text)):
            data[f"item-{item}-status"] = random.choice(STATUSES)
            data[f"item-{item}-account"] = random.choice(ACCOUNTS)
        with self.client.post(
            f"/checklists/{self.list_pk}/",
            data,
            name="/checklists/[pk]/ POST (save list)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"save: HTTP {response.status_code}")
        # the browser follows the redirect back to the page, with the new revision
        self.open_list()

    @task(1)
    def my_lists(self) -> None:
        self.client.get("/checklists/", name="/checklists/ (my lists)")


class Staff(PortalUser):
    """组织部 staff: two in three for the whole city, one in three for a township."""

    weight = 3

    def on_start(self) -> None:
        self.login("load_town_staff" if random.random() < 1 / 3 else "load_staff")
        page = self.client.get("/checklists/review/?status=submitted", name="/checklists/review/")
        self.to_review = [int(pk) for pk in dict.fromkeys(REVIEW_LINK_RE.findall(page.text))]

    @task(4)
    def search_name(self) -> None:
        q = random.choice(SURNAMES) + random.choice(GIVEN)
        self.client.get("/members/", params={"q": q}, name="/members/?q=[name]")

    @task(2)
    def filter_members(self) -> None:
        self.client.get(f"/members/?{random.choice(FILTERS)}", name="/members/?[filters]")

    @task(2)
    def page_members(self) -> None:
        self.client.get(f"/members/?page={random.randint(2, 40)}", name="/members/?page=[n]")

    @task(2)
    def review_list(self) -> None:
        self.client.get("/checklists/review/", name="/checklists/review/")

    @task(2)
    def review_one(self) -> None:
        if self.to_review:
            pk = random.choice(self.to_review)
            self.client.get(f"/checklists/review/{pk}/", name="/checklists/review/[pk]/")


class Leader(PortalUser):
    """A county or city leader looking at the dashboard."""

    weight = 2
    username = "load_leader"

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/", name="/ (dashboard)")
