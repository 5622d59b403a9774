"""An axe-core scan of the page a browser test is on (WCAG 2.1 A/AA rules).

axe-core is vendored (tests/e2e/vendor/axe-core, MPL-2.0) so the scan runs offline. It is
evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
govern, so the portal's CSP stays as strict in the tests as in production.
"""

from __future__ import annotations

import json
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}


def serious_violations(page) -> list[dict]:
    """The serious and critical violations on the page, as axe reports them."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        TAGS,
    )
    return [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


def assert_accessible(page, where: str = "") -> None:
    violations = serious_violations(page)
    if violations:
        summary = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"][:5]],
            }
            for v in violations
        ]
        raise AssertionError(
            f"axe found serious accessibility problems on {where or page.url}:\n"
            + json.dumps(summary, ensure_ascii=False, indent=2)
        )
