"""Load the seed release (LOS, 3 May 2021) and everything it refers to. Idempotent."""

import datetime
import io
import zoneinfo
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont

from media.models import Image, MediaContact
from media.services import image_process
from newsroom.models import (
    PressRelease,
    ReleaseContact,
    ReleaseImage,
    ReleaseOrganisation,
    ReleasePerson,
    Topic,
)
from organisations.models import Organisation
from people.dates import Precision
from people.models import Person, Position

HERE = Path(__file__).resolve().parent
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
Kind = Organisation.Kind

SEED_SLUG = "ny-direktoer-med-fokus-paa-samskabelse"
PHOTO_TITLE = "Mads Roke Clausen, direktør i LOS"

ORGANISATIONS = [
    # (key, name, short name, kind, website)
    (
        "los",
        "Landsorganisationen for sociale tilbud",
        "LOS",
        Kind.TRADE_ASSOCIATION,
        "https://www.los.dk/",
    ),
    ("frivilligraadet", "Frivilligrådet", "", Kind.COUNCIL, "https://frivilligraadet.dk/"),
    ("moedrehjaelpen", "Mødrehjælpen", "", Kind.NGO, "https://moedrehjaelpen.dk/"),
    ("bikubenfonden", "Bikubenfonden", "", Kind.FOUNDATION, "https://www.bikubenfonden.dk/"),
    ("liljeborgfonden", "Liljeborgfonden", "", Kind.FOUNDATION, ""),
    ("ruc", "Roskilde Universitet", "RUC", Kind.UNIVERSITY, "https://ruc.dk/"),
    ("lse", "London School of Economics", "", Kind.UNIVERSITY, "https://www.lse.ac.uk/"),
    ("arbejdsministeriet", "Arbejdsministeriet", "", Kind.MINISTRY, ""),
    ("socialministeriet", "Socialministeriet", "", Kind.MINISTRY, ""),
]

D = Precision.DAY
Y = Precision.YEAR
P = Position.Kind

MADS_POSITIONS = [
    # (organisation key, title, kind, start, start precision, end, end precision, ended, note)
    ("los", "direktør", P.EMPLOYMENT, datetime.date(2021, 5, 3), D, None, D, False, ""),
    ("frivilligraadet", "formand", P.COUNCIL, datetime.date(2018, 2, 1), D, None, D, False, ""),
    ("ruc", "PhD Fellow", P.FELLOWSHIP, datetime.date(2018, 2, 1), D, None, D, False, ""),
    ("lse", "PhD Fellow", P.FELLOWSHIP, None, D, None, D, False, ""),
    ("bikubenfonden", "bestyrelsesmedlem", P.BOARD, None, D, None, D, False, ""),
    ("liljeborgfonden", "bestyrelsesmedlem", P.BOARD, None, D, None, D, False, ""),
    ("moedrehjaelpen", "direktør", P.EMPLOYMENT, None, D, None, D, True, ""),
    # "(1998-02)" in the release: 1998 to 2002, in the same style as "(1995-96)".
    (
        "arbejdsministeriet",
        "ansat",
        P.EMPLOYMENT,
        datetime.date(1998, 1, 1),
        Y,
        datetime.date(2002, 1, 1),
        Y,
        False,
        "",
    ),
    (
        "socialministeriet",
        "ansat",
        P.EMPLOYMENT,
        datetime.date(1995, 1, 1),
        Y,
        datetime.date(1996, 1, 1),
        Y,
        False,
        "bidrog til Betænkning om Frivilligt Socialt Arbejde hos Terkel Andersen-udvalget",
    ),
]


def _organisations() -> dict[str, Organisation]:
    result = {}
    for key, name, short_name, kind, website in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            name=name,
            defaults={"short_name": short_name, "kind": kind, "website": website, "slug": ""},
        )
        result[key] = organisation
    los = result["los"]
    if not los.about:
        los.about = (HERE / "los_about.html").read_text(encoding="utf-8")
        los.save()
    return result


def _person(name: str, **defaults) -> Person:
    person, _ = Person.objects.get_or_create(name=name, defaults=defaults)
    return person


def _position(
    person,
    organisation,
    title,
    kind,
    start=None,
    start_precision=D,
    end=None,
    end_precision=D,
    ended_undated=False,
    note="",
):
    existing = Position.objects.filter(person=person, organisation=organisation, title=title)
    # A council chair was once stored as a board chair: set it right on the next load.
    existing.exclude(kind=kind).update(kind=kind)
    if not existing.exists():
        Position.objects.create(
            person=person,
            organisation=organisation,
            title=title,
            kind=kind,
            start=start,
            start_precision=start_precision,
            end=end,
            end_precision=end_precision,
            ended_undated=ended_undated,
            note=note,
        )


def placeholder_photo(text: str, size=(2400, 1600)) -> bytes:
    """A drawn stand-in for the real press photo (nothing is downloaded)."""
    width, height = size
    picture = PillowImage.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        shade = int(40 + 120 * y / height)
        draw.line([(0, y), (width, y)], fill=(20, shade, 90 + shade // 2))
    draw.ellipse([width * 0.38, height * 0.18, width * 0.62, height * 0.58], fill=(225, 200, 180))
    draw.rectangle([width * 0.3, height * 0.6, width * 0.7, height], fill=(30, 30, 40))
    font = ImageFont.load_default(size=72)
    draw.text((80, 80), text, fill=(255, 255, 255), font=font)
    draw.text((80, 180), "Pladsholder - foto: Camilla Hey", fill=(230, 230, 230), font=font)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


@transaction.atomic
def load_demo() -> PressRelease:
    organisations = _organisations()
    los = organisations["los"]

    mads = _person("Mads Roke Clausen", birth_year=1969)
    for key, title, kind, start, start_p, end, end_p, ended, note in MADS_POSITIONS:
        _position(mads, organisations[key], title, kind, start, start_p, end, end_p, ended, note)
    susan = _person("Susan Knage Møller")
    _position(susan, los, "bestyrelsesformand", P.CHAIR)
    poul = _person("Poul-Louis Larsen", email="pbl@los.dk", phone="+45 92 82 38 87")
    _position(poul, los, "kommunikationskonsulent", P.EMPLOYMENT)

    contact, _ = MediaContact.objects.get_or_create(
        person=poul,
        organisation=los,
        defaults={
            "title": "kommunikationskonsulent",
            "phone": "+45 92 82 38 87",
            "email": "pbl@los.dk",
            "is_listed": True,
        },
    )

    photo = Image.objects.filter(title=PHOTO_TITLE).first()
    if photo is None:
        photo = Image(
            title=PHOTO_TITLE,
            caption="Mads Roke Clausen er ny direktør i LOS fra 3. maj 2021.",
            alt_text="Mads Roke Clausen, LOS' nye direktør (pladsholderbillede)",
            credit="Camilla Hey",
        )
        photo.file.save(
            "pressefoto.jpg", ContentFile(placeholder_photo("Mads Roke Clausen")), save=False
        )
        photo.save()
        image_process(image=photo)

    topics = [
        Topic.objects.get_or_create(name=name, defaults={"name_en": name_en})[0]
        for name, name_en in (
            ("Samskabelse", "Co-creation"),
            ("Ledelse", "Management"),
            ("Socialområdet", "Social services"),
        )
    ]

    release, created = PressRelease.objects.get_or_create(
        slug=SEED_SLUG,
        defaults={
            "title": "Ny direktør med fokus på samskabelse",
            "lead": (
                "I dag sætter 52-årige Mads Roke Clausen sig i direktørstolen hos LOS – "
                "Landsorganisationen for ikke-offentlige sociale tilbud. Den første og "
                "vigtigste opgave for den nye direktør bliver at understøtte LOS’ bevægelse "
                "mod at blive en samskabende organisation."
            ),
            "body": (HERE / "body.html").read_text(encoding="utf-8"),
            "byline": los,
            "status": PressRelease.Status.PUBLISHED,
            "publish_at": datetime.datetime(2021, 5, 3, 9, 0, tzinfo=COPENHAGEN),
        },
    )
    if created:
        release.topics.set(topics)
        ReleasePerson.objects.create(release=release, person=mads, order=0)
        ReleaseOrganisation.objects.create(release=release, organisation=los, order=0)
        ReleaseImage.objects.create(release=release, image=photo, order=0)
        ReleaseContact.objects.create(release=release, contact=contact, order=0)
        # As publishing does: the "Om" boxes and contacts are fixed as of 3 May 2021.
        release.freeze_record()
        PressRelease.objects.filter(pk=release.pk).update(
            record=release.record, was_public=True
        )
    return release
