"""The Nu Html Checker (vnu.jar) on every public page type, in one JVM run for all pages."""

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from django.db import transaction
from django.test import Client

from tests.browser.support import PAGE_IDS, PAGES, java_or_skip, node_file, page


@pytest.fixture(scope="module")
def vnu_results(django_db_setup, django_db_blocker, tmp_path_factory):
    """{page id: (html, [vnu messages])}: fetch every page, then validate them all at once."""
    java = java_or_skip()
    jar = node_file("vnu-jar/build/dist/vnu.jar")
    from newsroom.demo.seed import load_demo

    folder = tmp_path_factory.mktemp("vnu")
    files = {}
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        client = Client()
        for target in PAGES:
            response = client.get(target.path)
            assert response.status_code == target.status, (
                f"{target.path} answered {response.status_code}"
            )
            path = folder / f"{target.id}.html"
            path.write_bytes(response.content)
            files[target.id] = path
        transaction.set_rollback(True)  # leave the test database as it was

    run = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", "--stdout"]
        + [str(path) for path in files.values()],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(run.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu.jar gave no JSON (exit {run.returncode}):\n{run.stdout}\n{run.stderr}")
    page_of = {path.resolve(): page_id for page_id, path in files.items()}
    per_page = {page_id: [] for page_id in files}
    stray = []
    for message in messages:
        url = message.get("url")
        checked = Path(unquote(urlparse(url).path)).resolve() if url else None
        if checked in page_of:
            per_page[page_of[checked]].append(message)
        else:
            stray.append(message)
    if stray:
        pytest.fail(f"vnu.jar messages not about any page: {stray}")
    return {
        page_id: (path.read_text(encoding="utf-8"), per_page[page_id])
        for page_id, path in files.items()
    }


def describe(html: str, messages) -> str:
    lines = html.splitlines()
    out = []
    for message in messages:
        line = message.get("lastLine") or message.get("firstLine")
        column = message.get("firstColumn", message.get("lastColumn", "?"))
        out.append(f"- line {line}, column {column}: [{message['type']}] {message['message']}")
        extract = message.get("extract")
        if extract:
            out.append(f"    extract: {extract.strip()[:200]}")
        elif line and 0 < line <= len(lines):
            out.append(f"    source:  {lines[line - 1].strip()[:200]}")
    return "\n".join(out)


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_html_is_valid(page_id, vnu_results):
    html, messages = vnu_results[page_id]
    if messages:
        heading = f"Nu Html Checker: {len(messages)} error(s) on {page(page_id).path}"
        report = heading + "\n" + describe(html, messages)
        print(report)
        pytest.fail(report, pytrace=False)
