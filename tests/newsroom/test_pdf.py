"""Issue 12: a release as PDF (WeasyPrint), in the release's language, with what the release
page has; only for published releases."""

import io

import pytest
from pypdf import PdfReader

from newsroom.pdf import MediaOnlyFetcher
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_seed_release_as_pdf(client, seed_release):
    page = client.get(seed_release.get_absolute_url()).content.decode()
    url = f"{seed_release.get_absolute_url()}pdf/"
    assert f'href="{url}"' in page and "Hent pressemeddelelsen som PDF" in page
    response = client.get(url)
    assert response["Content-Disposition"] == f'inline; filename="{seed_release.slug}.pdf"'
    text = " ".join(pdf_text(response).split())
    assert seed_release.title[:40] in text
    assert "3. maj 2021" in text
    assert "Foto:" in text  # the press photo's credit
    assert "For yderligere oplysninger" in text
    assert "Om Mads Roke Clausen" in text and "Mads Roke Clausen, 52 år." in text
    # A position's note, as on the page (found by hand missing from the PDF).
    assert "bidrog til Betænkning om Frivilligt Socialt Arbejde" in text
    assert "LOS Newsroom" in text and "1 / " in text  # the page footer
    reader = PdfReader(io.BytesIO(response.content))
    assert any("/XObject" in page["/Resources"] for page in reader.pages)  # the photo is in it
    presskit = client.get(f"{seed_release.get_absolute_url()}pressefotos/").content.decode()
    assert f'href="{url}"' in presskit


def test_an_english_release_is_an_english_pdf(client):
    release = PressReleaseFactory(title="A release in English", language="en")
    text = pdf_text(client.get(f"{release.get_absolute_url()}pdf/"))
    assert "PRESS RELEASE" in text and "PRESSEMEDDELELSE" not in text
    assert " at " in text  # the English date form


def test_no_pdf_of_what_is_not_public(client):
    for release in (PressReleaseFactory(scheduled=True), PressReleaseFactory(draft=True)):
        assert client.get(f"/pressemeddelelser/{release.slug}/pdf/").status_code == 404


def test_a_pdf_fetches_nothing_but_our_own_media():
    fetcher = MediaOnlyFetcher()
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "https://example.com/media/photos/x.jpg",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_making_pdfs_leaves_damaged_uploads_refused(client, seed_release):
    from PIL import ImageFile

    client.get(f"{seed_release.get_absolute_url()}pdf/")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_a_server_without_pango_serves_everything_but_the_pdf(client, seed_release, monkeypatch):
    import builtins
    import sys

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "newsroom" and args and args[2] and "pdf" in args[2]:
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "newsroom.pdf", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    assert client.get(seed_release.get_absolute_url()).status_code == 200
    response = client.get(f"{seed_release.get_absolute_url()}pdf/")
    assert response.status_code == 503
    assert "PDF'en kan ikke laves" in response.content.decode()
