"""axe-core (WCAG 2.0/2.1/2.2 A and AA) on every public page type, in a real Chromium."""

import json

import pytest

from tests.browser.support import LOCALE, PAGE_IDS, node_file, page

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    }
}
NARROW = 320


@pytest.fixture(scope="session")
def axe_source():
    return node_file("axe-core/axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def axe_context(browser):
    # The site's CSP (script-src 'self' + nonce) would refuse the injected axe script.
    context = browser.new_context(bypass_csp=True, locale=LOCALE)
    yield context
    context.close()


@pytest.fixture(scope="session")
def narrow_context(browser):
    # The real CSP applies here: this is the page as a phone shows it.
    context = browser.new_context(
        viewport={"width": NARROW, "height": 720}, locale=LOCALE, device_scale_factor=1
    )
    yield context
    context.close()


def open_page(context, url, expected_status):
    tab = context.new_page()
    response = tab.goto(url, wait_until="load")
    status = response.status if response else None
    if status != expected_status:
        tab.close()
        pytest.fail(f"{url} answered {status}, expected {expected_status}", pytrace=False)
    return tab


def describe(violations, limit=5) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}] {violation['help']} "
            f"({len(violation['nodes'])} node(s)) {violation['helpUrl']}"
        )
        for node in violation["nodes"][:limit]:
            target = " ".join(json.dumps(part) for part in node["target"])
            lines.append(f"    target: {target}")
            lines.append(f"    html:   {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", " | ")
            if summary:
                lines.append(f"    why:    {summary[:400]}")
    return "\n".join(lines)


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_axe_finds_no_violations(page_id, axe_source, site, axe_context):
    target = page(page_id)
    tab = open_page(axe_context, site + target.path, target.status)
    try:
        tab.add_script_tag(content=axe_source)
        results = tab.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    finally:
        tab.close()
    violations = results["violations"]
    if violations:
        report = f"axe: {len(violations)} violation(s) on {target.path}\n{describe(violations)}"
        print(report)
        pytest.fail(report, pytrace=False)


WIDEST_ELEMENTS = r"""
limit => [...document.querySelectorAll('body *')]
    .map(el => ({el, right: el.getBoundingClientRect().right}))
    .filter(({right}) => right > limit + 0.5)
    .sort((a, b) => b.right - a.right)
    .slice(0, 8)
    .map(({el, right}) =>
        `${Math.round(right)}px  ${el.outerHTML.replace(/\s+/g, " ").slice(0, 160)}`)
"""


@pytest.mark.parametrize("page_id", ["index", "release"])
def test_no_horizontal_scroll_at_320px(page_id, site, narrow_context):
    target = page(page_id)
    tab = open_page(narrow_context, site + target.path, target.status)
    try:
        scroll_width = tab.evaluate("document.documentElement.scrollWidth")
        overflowing = tab.evaluate(WIDEST_ELEMENTS, NARROW) if scroll_width > NARROW else []
    finally:
        tab.close()
    if scroll_width > NARROW:
        report = (
            f"{target.path} is {scroll_width}px wide at a {NARROW}px viewport; "
            "elements reaching past the edge:\n  " + "\n  ".join(overflowing)
        )
        print(report)
        pytest.fail(report, pytrace=False)
