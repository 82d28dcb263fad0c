"""Real-browser fixtures: one headless Debian Chromium per session, driven by Playwright.

The tests skip (with the reason printed) when Playwright or /usr/bin/chromium is missing;
no browser is ever downloaded.
"""

import os
import threading

import pytest
from django.db import connection

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, skip_with_reason, staff_login


@pytest.fixture
def publisher_login(live_server, transactional_db):
    return staff_login(live_server, "Publisher", "udgiver")


@pytest.fixture
def editor_login(live_server, transactional_db):
    return staff_login(live_server, "Editor", "presse")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        skip_with_reason(f"Playwright is not importable ({error}); run `make install`")
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        skip_with_reason(f"{CHROMIUM} is missing; install Debian's chromium package")
    # Playwright's sync API keeps an asyncio loop in this thread, which makes Django refuse
    # ORM calls from the test (fixtures, flushes) as "async context". They are not.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's base URL, with the demo content loaded (and flushed afterwards)."""
    from newsroom.demo.seed import load_demo

    load_demo()
    return live_server.url


@pytest.fixture(autouse=True)
def requests_take_turns_on_in_memory_sqlite(request):
    """The test server's threads share the test's one in-memory SQLite connection, which two
    requests at once break ("bad parameter or other API misuse"), and a browser sends several
    at once (autocomplete as one types): on that database they take turns."""
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if not in_memory or "live_server" not in request.fixturenames:
        yield
        return
    server = request.getfixturevalue("live_server").thread.httpd
    application = server.get_app()
    turn = threading.Lock()

    def taking_turns(environ, start_response):
        with turn:
            response = application(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                if hasattr(response, "close"):
                    response.close()
        return [body]

    server.set_app(taking_turns)
    yield
    server.set_app(application)
