"""What a user meets under `make run`: the portal's own Chinese pages, never Django's debug
page. The test starts the server the way the Makefile does (DEBUG off, static files
collected and served by WhiteNoise) on a throwaway database."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_deploy import ROOT, run_manage

DEBUG_PAGE_MARKS = ("Using the URLconf", "Traceback", "DEBUG = True", "CSRF verification failed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def make_run_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("make_run")
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        # never the working tree's own key file
        "PERSONAL_DATA_KEYS": settings.PERSONAL_DATA_KEYS[0],
        "DJANGO_DEBUG": "0",
    }
    for command in (("migrate", "--noinput"), ("collectstatic", "--noinput", "-v0")):
        result = run_manage(*command, **env)
        assert result.returncode == 0, result.stderr
    port = free_port()
    log_path = workdir / "runserver.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # the Makefile's command line
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env={**run_env(), **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_serving(port, process, log_path)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def run_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}


def wait_until_serving(port: int, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"runserver exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            if fetch(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"runserver did not answer /healthz within 60 s:\n{log_path.read_text()}")
        time.sleep(0.1)  # poll interval, not a wait for luck


def assert_portal_page(text: str) -> None:
    for mark in DEBUG_PAGE_MARKS:
        assert mark not in text
    assert "基层党建管理平台" in text


def test_a_missing_page_is_the_portals_chinese_404(make_run_server):
    status, text = fetch(make_run_server, "/no-such-page/")
    assert status == 404
    assert "页面不存在" in text
    assert_portal_page(text)


def test_a_csrf_failure_is_the_portals_chinese_page(make_run_server):
    status, text = fetch(make_run_server, "/accounts/login/", data=b"username=x&password=y")
    assert status == 403
    assert "页面已过期" in text
    assert_portal_page(text)


def test_the_login_page_and_its_stylesheet_are_served(make_run_server):
    status, text = fetch(make_run_server, "/accounts/login/")
    assert status == 200
    assert_portal_page(text)
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', text).group(1)
    assert fetch(make_run_server, stylesheet)[0] == 200


def test_the_makefile_serves_with_debug_off():
    makefile = (ROOT / "Makefile").read_text()
    run_target = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "DJANGO_DEBUG=0 $(PY) manage.py runserver" in run_target
