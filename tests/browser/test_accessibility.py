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


# A release as the editor makes it: photos uploaded through CKEditor (one described, one
# marked as decoration), a table pasted from Word, each photo credited.
EDITOR_TABLE = (
    '<figure class="table"><table><thead><tr><th>Region</th><th>Tilbud i alt</th>'
    "<th>Heraf nye tilbud siden sidste opgørelse</th><th>Ændring i procent</th></tr></thead>"
    "<tbody><tr><th>Nordjylland</th><td>120</td><td>14</td><td>11,7</td></tr>"
    "<tr><th>Hovedstaden</th><td>310</td><td>22</td><td>7,1</td></tr></tbody></table>"
    "<figcaption>Kilde: LOS' medlemsopgørelse</figcaption></figure>"
)


@pytest.fixture
def editor_release(site, tmp_path):
    """Published, with two images sent through the editor's upload view."""
    import io

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from PIL import Image as PillowImage

    from media.models import Image
    from tests.factories import PressReleaseFactory

    staff = User.objects.create_superuser("a11y", "a11y@example.org", "pw")
    client = Client()
    client.force_login(staff)
    urls = []
    for name, color in (("direktoer.png", (30, 90, 160)), ("pynt.png", (200, 200, 200))):
        buffer = io.BytesIO()
        PillowImage.new("RGB", (1200, 800), color).save(buffer, "PNG")
        upload = SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
        response = client.post("/admin/editor-upload/", {"upload": upload})
        assert response.status_code == 200, response.content
        urls.append(response.json()["url"])
    Image.objects.filter(title__in=["direktoer.png", "pynt.png"]).update(credit="Camilla Hey")
    body = (
        "<p>Indledende afsnit.</p>"
        f'<figure class="image"><img src="{urls[0]}" alt="Direktøren ved sit skrivebord">'
        "<figcaption>Direktøren på kontoret i Odense.</figcaption></figure>"
        f"<h2>Tallene</h2>{EDITOR_TABLE}"
        f'<figure class="image"><img src="{urls[1]}" alt="-"></figure>'
    )
    release = PressReleaseFactory(title="Med billeder fra editoren", body=body)
    return site + release.get_absolute_url()


def test_axe_on_a_release_with_editor_images_and_a_table(editor_release, axe_source, axe_context):
    tab = open_page(axe_context, editor_release, 200)
    try:
        assert tab.locator(".body img").count() == 2
        assert tab.locator(".body figure.table th[scope='col']").count() == 4
        tab.add_script_tag(content=axe_source)
        results = tab.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    finally:
        tab.close()
    violations = results["violations"]
    if violations:
        report = f"axe: {len(violations)} violation(s) on {editor_release}\n{describe(violations)}"
        print(report)
        pytest.fail(report, pytrace=False)


def test_a_release_with_a_wide_table_does_not_scroll_at_320px(editor_release, narrow_context):
    tab = open_page(narrow_context, editor_release, 200)
    try:
        scroll_width = tab.evaluate("document.documentElement.scrollWidth")
        overflowing = tab.evaluate(WIDEST_ELEMENTS, NARROW) if scroll_width > NARROW else []
        table_scrolls = tab.locator(".body figure.table").evaluate(
            "el => el.scrollWidth > el.clientWidth"
        )
    finally:
        tab.close()
    assert scroll_width <= NARROW, "\n  ".join(overflowing)
    assert table_scrolls  # the table scrolls inside its own box
