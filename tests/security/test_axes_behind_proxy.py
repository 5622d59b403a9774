"""Login throttling behind the reverse proxy, as a deployer runs it: gunicorn with
config.settings.production, requests as nginx forwards them (X-Forwarded-Proto: https, the
client's address appended to X-Forwarded-For, the proxy itself as REMOTE_ADDR 127.0.0.1).

django-axes locks a (username, client address) pair. If it took the proxy's address for
every client, five wrong passwords from anywhere would lock the real user out as well.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from tests.test_deploy import ROOT, run_manage

HOST = "dangjian.example.gov.cn"
LOGIN_URL = "/accounts/login/"
PASSWORD = "correct-horse-battery-7"
ATTACKER = "203.0.113.9"
VICTIM = "198.51.100.7"
SPOOFED = "1.2.3.4"
FAILURE_LIMIT = 5

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k3y-" + "x9Qz!7rT#vB2mL@w" * 4,
    "PERSONAL_DATA_KEYS": settings.PERSONAL_DATA_KEYS[0],
    "DJANGO_ALLOWED_HOSTS": HOST,
    "AXES_PROXY_COUNT": "1",
    "AXES_FAILURE_LIMIT": str(FAILURE_LIMIT),
    # Eager tasks and the local cache: this test needs neither Redis nor a worker.
    "REDIS_URL": "",
}


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a subprocess under the production settings (as run_manage
    builds it: nothing DJANGO_* or AXES_* leaks in from the developer's shell)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AXES_"))}
    environment.update(PRODUCTION, **extra)
    return environment


class Browser:
    """One client reaching gunicorn through the proxy: its own cookies, and the
    X-Forwarded-For header exactly as the proxy hands it on."""

    def __init__(self, port: int, forwarded_for: str):
        self.port = port
        self.forwarded_for = forwarded_for
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.forwarded_for,
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}"  # CSRF origin check over HTTPS
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        # Cookies are Secure (production); keep them by hand, http.cookiejar would not
        # send them over this plain-HTTP hop behind the "proxy".
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, text

    def login(self, username: str, password: str):
        status, _, page = self.request("GET", LOGIN_URL)
        assert status == 200, page[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:500]
        return self.request(
            "POST",
            LOGIN_URL,
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": username,
                "password": password,
                "next": "",
            },
        )


def manage_ok(*args: str, env: dict[str, str]) -> str:
    result = run_manage(*args, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """gunicorn under the production settings on a throwaway SQLite database."""
    workdir = tmp_path_factory.mktemp("axes_proxy")
    database = workdir / "portal.sqlite3"
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{database}"}
    manage_ok("migrate", "--noinput", env=env)
    manage_ok(
        "shell",
        "-c",
        "from accounts.models import User\n"
        "for name in ('secretary_a', 'secretary_b'):\n"
        f"    User.objects.create_user(name, password={PASSWORD!r})\n",
        env=env,
    )

    # The test binds the listening socket (port 0: the kernel picks a free one) and hands
    # it to gunicorn, so there is no window in which another process could take the port.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    log_path = workdir / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"fd://{listener.fileno()}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=production_env(DATABASE_URL=f"sqlite:///{database}"),
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
        )
    listener.close()
    try:
        wait_until_serving(port, process, log_path)
        yield {"port": port, "database": database, "log": log_path}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def wait_until_serving(port: int, process: subprocess.Popen, log_path: Path) -> None:
    """Poll /healthz until gunicorn answers it (or has died, or a minute has passed)."""
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            status, _, _ = Browser(port, "127.0.0.1").request("GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"gunicorn did not answer /healthz within 60 s:\n{log_path.read_text()}")
        time.sleep(0.1)  # poll interval, not a wait for luck


def is_lockout(response) -> bool:
    status, _, text = response
    return status == 429 and "账号已临时锁定" in text


def recorded_addresses(database: Path, username: str) -> dict[str, int]:
    """The failed attempts axes stored for `username`: client address -> failures."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT ip_address, failures_since_start FROM axes_accessattempt WHERE username = ?",
            (username,),
        ).fetchall()
    return dict(rows)


def attack(port: int, forwarded_for: str, username: str) -> list:
    """One more wrong password than the limit, each from a fresh browser session."""
    return [
        Browser(port, forwarded_for).login(username, "wrong-password-123")
        for _ in range(FAILURE_LIMIT + 1)
    ]


def test_an_attacker_cannot_lock_the_real_user_out(portal):
    port = portal["port"]
    responses = attack(port, ATTACKER, "secretary_a")
    # Wrong passwords re-show the form, until the limit locks the attacker's address.
    assert [status for status, _, _ in responses[: FAILURE_LIMIT - 1]] == [200] * (
        FAILURE_LIMIT - 1
    )
    assert is_lockout(responses[-1]), responses[-1][0]

    # The real user, from their own address, logs in with the right password.
    status, headers, text = Browser(port, VICTIM).login("secretary_a", PASSWORD)
    assert status == 302, (status, text[:300])
    assert headers["Location"] == "/"

    # The attacker's address stays throttled, even with the right password.
    assert is_lockout(Browser(port, ATTACKER).login("secretary_a", PASSWORD))
    # Every failure was counted against the attacker's address, none against the proxy's.
    assert set(recorded_addresses(portal["database"], "secretary_a")) == {ATTACKER}


def test_a_spoofed_forwarded_for_entry_cannot_pick_the_victims_address(portal):
    """The client may send its own X-Forwarded-For; the proxy appends the address it saw.
    With one proxy only the right-most entry is trustworthy."""
    port = portal["port"]
    responses = attack(port, f"{SPOOFED}, {ATTACKER}", "secretary_b")
    assert is_lockout(responses[-1]), responses[-1][0]
    # Counted against the address the proxy added, not the one the attacker wrote.
    assert recorded_addresses(portal["database"], "secretary_b") == {ATTACKER: FAILURE_LIMIT + 1}

    # The user really at the spoofed address is not locked out ...
    status, headers, _ = Browser(port, SPOOFED).login("secretary_b", PASSWORD)
    assert status == 302
    assert headers["Location"] == "/"
    # ... the attacker is, whatever they put in front.
    assert is_lockout(Browser(port, ATTACKER).login("secretary_b", PASSWORD))
    assert is_lockout(Browser(port, f"{VICTIM}, {ATTACKER}").login("secretary_b", PASSWORD))


# The address axes takes from a request, for other numbers of proxies (no server needed).
PROBE = textwrap.dedent(
    """
    import json
    from django.test import RequestFactory
    from axes.helpers import get_client_ip_address
    cases = json.loads({cases!r})
    factory = RequestFactory()
    print(json.dumps([
        get_client_ip_address(factory.get("/", REMOTE_ADDR="127.0.0.1", **meta))
        for meta in cases
    ]))
    """
)


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        # One proxy: the right-most entry, whatever the client wrote in front (garbage too).
        ("1", {"HTTP_X_FORWARDED_FOR": f"{SPOOFED}, {ATTACKER}"}, ATTACKER),
        ("1", {"HTTP_X_FORWARDED_FOR": f"not-an-ip, {ATTACKER}"}, ATTACKER),
        ("1", {"HTTP_X_FORWARDED_FOR": "10.20.30.40"}, "10.20.30.40"),
        # Two proxies (e.g. a load balancer, then nginx): the second entry from the right.
        ("2", {"HTTP_X_FORWARDED_FOR": f"{SPOOFED}, {ATTACKER}, 10.0.0.2"}, ATTACKER),
        # No proxy: the socket's address; a client's X-Forwarded-For is ignored.
        ("0", {"HTTP_X_FORWARDED_FOR": SPOOFED}, "127.0.0.1"),
    ],
)
def test_the_client_address_for_each_number_of_proxies(tmp_path, proxies, meta, expected):
    result = run_manage(
        "shell",
        "-c",
        PROBE.format(cases=json.dumps([meta])),
        **{
            **PRODUCTION,
            "AXES_PROXY_COUNT": proxies,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        },
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [expected]


def test_production_refuses_to_start_behind_a_proxy_without_ipware(tmp_path):
    """Without django-ipware axes silently uses REMOTE_ADDR (the proxy) for everyone."""
    script = (
        "import sys; sys.modules['ipware'] = None\n"  # as if django-ipware were not installed
        "import django; django.setup()\n"
    )
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "django-ipware" in result.stderr

    # Without a proxy (AXES_PROXY_COUNT=0) REMOTE_ADDR is the client: it starts.
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "AXES_PROXY_COUNT": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
