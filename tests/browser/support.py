"""Shared pieces of the browser checks: paths, Chromium flags, skips and the page list.

The checks skip (with the reason printed) when a tool is missing; nothing is ever downloaded.
"""

import importlib
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from django.apps import apps as django_apps

from newsroom.demo.seed import SEED_SLUG

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Danish is the site's language; the Django test client gets it by default too.
LOCALE = "da-DK"


class Page(NamedTuple):
    id: str
    path: str
    status: int = 200


# Every public page type, with the demo content from load_demo.
PAGES = [
    Page("index", "/"),
    Page("release", f"/pressemeddelelser/{SEED_SLUG}/"),
    Page("person", "/personer/mads-roke-clausen/"),
    Page("organisation", "/organisationer/los/"),
    Page("topic", "/emner/samskabelse/"),
    Page("feeds", "/feeds/"),
    Page("subscribe", "/abonnement/"),
    Page("archive", "/arkiv/"),
    Page("archive-month", "/arkiv/2021/5/"),
    Page("search", "/soeg/?q=samskabende"),
    Page("search-empty", "/soeg/?q=zzzxq"),
    Page("contacts", "/pressekontakter/"),
    Page("presskit", "/pressefotos/"),
    Page("release-presskit", f"/pressemeddelelser/{SEED_SLUG}/pressefotos/"),
    Page("not-found", "/findes-ikke/", 404),
]
PAGE_IDS = [page.id for page in PAGES]


def page(page_id: str) -> Page:
    return next(p for p in PAGES if p.id == page_id)


def skip_with_reason(reason: str):
    print(f"\nSKIP: {reason}")
    pytest.skip(reason)


def node_file(relative: str) -> Path:
    path = NODE_MODULES / relative
    if not path.exists():
        skip_with_reason(f"{path.relative_to(REPO)} is missing; run `npm ci` (or `make install`)")
    return path


def java_or_skip() -> str:
    java = shutil.which("java")
    if java is None:
        skip_with_reason("java is not installed; install a JRE (e.g. default-jre-headless)")
    return java


def choose(page, selection, typed: str, option: str) -> None:
    """Pick `option` in an admin autocomplete (select2): open `selection`, type, click."""
    selection.click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).first.click()


def add_inline_choice(page, group: str, typed: str, option: str) -> None:
    """A new row in an inline of autocompletes (people, photos ...), with `option` chosen."""
    rows = page.locator(f"{group} tr.form-row:not(.empty-form)")
    index = rows.count()
    page.locator(f"{group} .add-row a").click()
    choose(page, rows.nth(index).locator(".select2-selection"), typed, option)


def csp_violations(page) -> list[str]:
    """The Content-Security-Policy reports the page logs, collected as they come."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


# The data migrations that make the roles and give them their rights.
ROLE_MIGRATIONS = (
    "0004_editor_and_publisher_groups",
    "0009_link_delete_permissions",
    "0013_quote_permissions",
)
PASSWORD = "Sikker-kode-2026"


def restore_roles():
    """Transactional tests flush the database between tests, roles included: make them again
    the way the migrations do."""
    for name in ROLE_MIGRATIONS:
        migration = importlib.import_module(f"newsroom.migrations.{name}")
        (getattr(migration, "create_groups", None) or migration.grant)(django_apps, None)


def staff_login(live_server, role: str, username: str):
    """A staff user with one role; the live server's URL, the user name and the password."""
    from django.contrib.auth.models import Group, User

    restore_roles()
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return live_server.url, username, PASSWORD


def start_release_with_body_photo(
    page, base: str, photo_path: str, *, title: str, lead: str, text: str
):
    """On the add form: a title, a lead, a sentence and a photo uploaded into the body through
    CKEditor's own upload (as a press officer does). Returns the photo in the editor."""
    page.goto(f"{base}/admin/newsroom/pressrelease/add/")
    page.fill("#id_title", title)
    page.fill("#id_lead", lead)
    page.locator(".ck-editor__editable").first.click()
    page.keyboard.type(text)
    with page.expect_response(lambda r: "/admin/editor-upload/" in r.url) as upload:
        page.locator(".ck-toolbar input[type=file]").first.set_input_files(photo_path)
    assert upload.value.status == 200
    photo = page.locator(".ck-editor__editable img[src*='/media/renditions/']").first
    photo.wait_for()
    return photo
