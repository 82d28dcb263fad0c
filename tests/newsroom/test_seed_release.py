"""The demo content: LOS' release of 3 May 2021 reads like the original."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import strip_tags

from media.models import Image, MediaContact
from newsroom.models import PressRelease
from organisations.models import Organisation
from people.models import Person, Position

pytestmark = pytest.mark.django_db

SEED = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "seed"
    / "los-press-release-2021-05-03.txt"
)
BODY_PARAGRAPHS_FROM_SEED = [
    "Med Mads Roke Clausen har LOS fået en af landets førende specialister i samskabelse",
    "Samskabelse, dialog og fællesskab som pejlemærker",
    "”Vi skal simpelthen stå ved det, der gør os særlige",
    "En stærk brancheorganisation",
    "Oven på et år uden direktør",
    "Disse takter er allerede søsat",
    "”Når medlemmernes virkelighed er tæt på",
    "De bedste rammer og velfærdsløsninger for mennesker i sårbare og udsatte positioner",
    "”Jeg glæder mig helt utroligt til at komme i gang",
]


def page_text(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def test_index_links_to_seed_release(client, seed_release):
    response = client.get("/")
    assert response.status_code == 200
    assert f'href="{seed_release.get_absolute_url()}"' in response.content.decode()
    assert "Ny direktør med fokus på samskabelse" in page_text(response)


def test_seed_release_page_reads_like_the_seed(client, seed_release):
    text = page_text(client.get(seed_release.get_absolute_url()))
    assert "Ny direktør med fokus på samskabelse" in text
    assert "I dag sætter 52-årige Mads Roke Clausen sig i direktørstolen" in text
    assert "3. maj 2021 kl. 09:00 (CEST)" in text
    assert "Af LOS" in text
    for paragraph in BODY_PARAGRAPHS_FROM_SEED:
        assert paragraph in text
    # The contact block, from the MediaContact.
    assert "For yderligere oplysninger" in text
    assert "Poul-Louis Larsen, kommunikationskonsulent" in text
    assert "+45 92 82 38 87" in text
    assert "pbl@los.dk" in text
    assert "krediteres fotograf Camilla Hey" in text
    # Both "Om" boxes, people first, then the organisation.
    assert text.index("Om Mads Roke Clausen") < text.index(
        "Om LOS – Landsorganisationen for sociale tilbud"
    )
    assert "Danmarks største brancheorganisation for ikke-offentlige sociale tilbud" in text


def test_seed_file_paragraphs_all_present(client, seed_release):
    if not SEED.exists():
        pytest.skip(f"seed text not beside the checkout ({SEED.name})")
    seed = SEED.read_text(encoding="utf-8")
    body = seed.split("Af LOS", 1)[1].split("For yderligere oplysninger", 1)[0]
    text = page_text(client.get(seed_release.get_absolute_url()))
    for paragraph in filter(None, (p.strip() for p in body.split("\n"))):
        assert paragraph in text, paragraph


def test_contact_block_links_phone_and_mail(client, seed_release):
    html = client.get(seed_release.get_absolute_url()).content.decode()
    assert 'href="tel:+4592823887"' in html
    assert 'href="mailto:pbl@los.dk"' in html


def test_about_mads_is_generated_as_of_the_release_date(client, seed_release):
    html = client.get(seed_release.get_absolute_url()).content.decode()
    about = html.split('id="about-mads-roke-clausen"', 1)[1].split("</section>", 1)[0]
    text = re.sub(r"\s+", " ", strip_tags(about))
    assert "52 år" in text
    assert "formand, Frivilligrådet (fra 1. februar 2018)" in text
    assert "PhD Fellow, RUC" in text
    assert "PhD Fellow, London School of Economics" in text
    assert (
        "Bestyrelsesposter: bestyrelsesmedlem, Bikubenfonden; bestyrelsesmedlem, Liljeborgfonden"
        in text
    )
    assert "direktør, Mødrehjælpen" in text
    assert "ansat, Arbejdsministeriet (1998–2002)" in text
    assert "ansat, Socialministeriet (1995–1996)" in text
    assert "Terkel Andersen-udvalget" in text


def test_load_demo_is_idempotent(seed_release):
    counts = [
        PressRelease.objects.count(),
        Person.objects.count(),
        Organisation.objects.count(),
        Position.objects.count(),
        Image.objects.count(),
        MediaContact.objects.count(),
    ]
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts == [
        PressRelease.objects.count(),
        Person.objects.count(),
        Organisation.objects.count(),
        Position.objects.count(),
        Image.objects.count(),
        MediaContact.objects.count(),
    ]
    assert counts[:3] == [1, 3, 9]


def test_lead_photo_shows_credit_and_downloads_original(client, seed_release):
    html = client.get(seed_release.get_absolute_url()).content.decode()
    assert "Foto: Camilla Hey" in html
    photo = seed_release.images.get()
    url = reverse("newsroom:image-download", args=[photo.pk])
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "camilla-hey" in disposition
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_person_and_organisation_pages(client, seed_release):
    mads = Person.objects.get(name="Mads Roke Clausen")
    text = page_text(client.get(mads.get_absolute_url()))
    assert "Om Mads Roke Clausen" in text
    assert "Ny direktør med fokus på samskabelse" in text
    los = Organisation.objects.get(short_name="LOS")
    text = page_text(client.get(los.get_absolute_url()))
    assert "LOS – Landsorganisationen for sociale tilbud" in text
    assert "Ny direktør med fokus på samskabelse" in text
