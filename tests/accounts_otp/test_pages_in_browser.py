"""The enrolment, recovery-code and verification pages in Debian's Chromium at phone and
desktop widths: no serious axe-core violation, nothing refused by the CSP (the QR code is
inline SVG), and screenshots in test-artifacts/ for review."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import ARTIFACTS_DIR, DEFAULT_PASSWORD
from tests.factories import make_org, make_user

from .helpers import code_for

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [390, 1280])
def test_enrolment_and_verification_pages_in_the_browser(
    transactional_db, live_server, settings, browser, width
):
    settings.OTP_REQUIRED = True
    county = make_org(code="QH", name="清河县委", kind="committee", level="county", domain="other")
    user = make_user("staff", county, "staff")
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)

    def sign_in() -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "staff")
        page.fill("input[name=password]", DEFAULT_PASSWORD)
        with page.expect_navigation():
            page.click("form button[type=submit]")

    try:
        sign_in()
        assert page.url.startswith(f"{live_server.url}/accounts/otp/setup/")
        assert page.locator("main svg[role=img]").is_visible()
        box = page.locator("main svg[role=img]").bounding_box()
        assert box["width"] <= width  # never wider than the screen
        page.click("main summary")  # the key to type, for the screenshot
        assert page.locator("main dd code").is_visible()
        assert_accessible(page, f"the enrolment page at {width}px")
        page.screenshot(path=str(ARTIFACTS_DIR / f"otp-setup-{width}.png"), full_page=True)

        device = TOTPDevice.objects.get(user=user)
        page.fill("input[name=code]", code_for(device))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.locator("main ol code").count() == 10
        assert_accessible(page, f"the recovery codes at {width}px")
        page.screenshot(path=str(ARTIFACTS_DIR / f"otp-recovery-codes-{width}.png"), full_page=True)

        page.click("form.logout-form button")
        sign_in()
        assert page.url.startswith(f"{live_server.url}/accounts/otp/verify/")
        page.fill("input[name=code]", "000000" if code_for(device) != "000000" else "111111")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.locator("[role=alert]").first.is_visible()
        assert_accessible(page, f"the verification page with an error at {width}px")
        page.screenshot(path=str(ARTIFACTS_DIR / f"otp-verify-{width}.png"), full_page=True)
    finally:
        context.close()
    assert refused == []
