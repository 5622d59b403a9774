"""The account pages in Debian's Chromium.

Story: Alice (county staff) opens 开通书记账号, chooses township A and creates its
secretaries' accounts in one click, then downloads the township's slips. A new secretary
signs in with the password on a slip, is made to choose a password of their own, and
reaches the home page. Later the secretary mistypes the password until the login throttle
locks the account; Alice sees the lock on the account list and releases it, and the
secretary signs in. Screenshots at phone and desktop widths go to test-artifacts/.
"""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible

from .conftest import with_forced_change
from .helpers import pdf_text, slips_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NEW_PASSWORD = "wo-de-xin-mi-ma-2026"


@pytest.fixture
def portal(live_server, settings):
    """The live server with the forced password change in its middleware: the server
    read settings.MIDDLEWARE once, when it started."""
    from django.conf import settings as current

    handler = live_server.thread.httpd.get_app()
    while hasattr(handler, "application"):
        handler = handler.application
    original = list(current.MIDDLEWARE)
    with override_settings(MIDDLEWARE=with_forced_change(original)):
        handler.load_middleware()
    yield live_server
    with override_settings(MIDDLEWARE=original):
        handler.load_middleware()


def watch_csp(page: Page) -> list[str]:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    return refused


def both_widths(page: Page, path, name: str) -> None:
    """Full-page screenshots at 1280 and 390 px (back at 1280 afterwards)."""
    page.screenshot(path=path / f"{name}-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()
    page.screenshot(path=path / f"{name}-390.png", full_page=True)
    assert_accessible(page, f"{name} at 390 px")
    page.set_viewport_size(DESKTOP)
    page.reload()


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")


def test_staff_create_a_townships_secretaries_and_a_secretary_signs_in(
    portal,
    alice,
    sam,
    named,
    browser,
    page,
    login,
    artifacts_dir,
    tmp_path,
):
    base = portal.url
    refused = watch_csp(page)
    login("alice")

    # 开通书记账号: township A, then every missing account of it.
    page.get_by_role("link", name="账号管理").first.click()
    page.get_by_role("link", name="开通书记账号").first.click()
    page.select_option("select[name=within]", label="甲镇党委")
    with page.expect_navigation():
        page.get_by_role("button", name="查看该范围").click()
    expect(page.locator("table")).to_contain_text("甲二村支部")
    expect(page.locator("table")).not_to_contain_text("乙一村支部")
    assert_accessible(page, "the missing secretaries")
    page.screenshot(path=artifacts_dir / "accounts-missing-1280.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="全部开通并生成通知单").click()

    # The result: two accounts, one PDF for the township.
    expect(page.get_by_role("heading", name="账号已开通")).to_be_visible()
    expect(page.locator("table")).to_contain_text("a2")
    assert_accessible(page, "the creation result")
    both_widths(page, artifacts_dir, "accounts-created")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=re.compile("下载“甲镇党委”通知单")).click()
    pdf = tmp_path / "slips.pdf"
    download_info.value.save_as(pdf)
    slips = slips_in(pdf_text(pdf.read_bytes()))
    assert set(slips) == {"a", "a2"}
    page.reload()
    expect(page.locator("body")).to_contain_text("已下载或已过期")

    # A new secretary signs in with the slip and must choose a password first.
    secretary = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    refused += watch_csp(secretary)
    sign_in(secretary, base, "a2", slips["a2"])
    expect(secretary.get_by_role("heading", name="请设置新密码")).to_be_visible()
    assert "/accounts/password_change/" in secretary.url
    assert_accessible(secretary, "the forced password change")
    secretary.screenshot(path=artifacts_dir / "accounts-forced-change-390.png", full_page=True)
    secretary.goto(f"{base}/orgs/")  # anything else leads back
    expect(secretary.get_by_role("heading", name="请设置新密码")).to_be_visible()
    secretary.fill("input[name=old_password]", slips["a2"])
    secretary.fill("input[name=new_password1]", NEW_PASSWORD)
    secretary.fill("input[name=new_password2]", NEW_PASSWORD)
    with secretary.expect_navigation():
        secretary.get_by_role("button", name="保存新密码").click()
    expect(secretary.get_by_role("heading", name="密码已修改")).to_be_visible()
    with secretary.expect_navigation():
        secretary.get_by_role("link", name="继续使用平台").click()
    assert secretary.url == f"{base}/orgs/"
    secretary.goto(f"{base}/")
    assert secretary.url == f"{base}/"
    expect(secretary.locator(".user-area__name")).to_have_text("甲二村书记")
    secretary.context.close()

    # Five wrong passwords lock the account; Alice releases it from the list.
    locked_out = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    for _ in range(5):
        sign_in(locked_out, base, "a2", "wrong-password-1")
    expect(locked_out.get_by_role("heading", name="账号已临时锁定")).to_be_visible()

    page.goto(f"{base}/accounts/")
    expect(page.get_by_role("status").filter(has_text="被锁定")).to_be_visible()
    page.get_by_role("link", name="查看被锁定的账号").click()
    row = page.locator("tbody tr", has_text="a2")
    expect(row).to_contain_text("登录已锁定")
    page.goto(f"{base}/accounts/")
    assert_accessible(page, "the account list")
    both_widths(page, artifacts_dir, "accounts-list")
    with page.expect_navigation():
        page.get_by_role("button", name="解除锁定：a2").click()
    expect(page.get_by_role("status").filter(has_text="已解除 a2 的登录锁定")).to_be_visible()

    sign_in(locked_out, base, "a2", NEW_PASSWORD)
    assert locked_out.url == f"{base}/"
    locked_out.context.close()
    assert refused == []


def test_staff_reset_a_password_after_confirming(portal, bob, sam, page, login, artifacts_dir):
    refused = watch_csp(page)
    login("bob")
    page.goto(f"{portal.url}/accounts/")
    page.get_by_role("link", name="重置密码：sam").click()
    expect(page.get_by_role("heading", name="重置密码")).to_be_visible()
    assert_accessible(page, "the reset confirmation")
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts_dir / "accounts-reset-confirm-390.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="确认重置").click()
    expect(page.get_by_role("heading", name="密码已重置")).to_be_visible()
    password = page.locator("dd code").nth(1).inner_text()
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)
    assert_accessible(page, "the reset result")
    page.screenshot(path=artifacts_dir / "accounts-reset-done-390.png", full_page=True)
    assert refused == []
