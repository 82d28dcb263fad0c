"""Seed a newsroom of a given size for benchmarks: releases with people, organisations, topics,
photos and contacts, in bulk, with a progress bar. Run it on a scratch database only.

    python manage.py seed_bench --releases 10000

Sizes follow the releases: a fifth as many people, a twentieth as many organisations, half as
many photos. Photos share a few stored files (the pages' cost is in the rows, not the bytes).
"""

import datetime
import sys

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from media.models import Image, MediaContact, Rendition
from newsroom.demo.seed import load_demo
from newsroom.models import (
    PressRelease,
    ReleaseContact,
    ReleaseImage,
    ReleaseOrganisation,
    ReleasePerson,
    Topic,
)
from newsroom.search import update_search_vector
from organisations.models import Organisation
from people.models import Person, Position

BATCH = 500
TOPIC_NAMES = [
    "Samskabelse",
    "Ledelse",
    "Socialområdet",
    "Børn og unge",
    "Botilbud",
    "Økonomi",
    "Uddannelse",
    "Frivillighed",
    "Politik",
    "Forskning",
]


class Command(BaseCommand):
    help = "Seed a large newsroom for benchmarks (bulk, with a progress bar)."

    def add_arguments(self, parser):
        parser.add_argument("--releases", type=int, default=1000)

    def handle(self, *args, releases, **options):
        started = timezone.now()
        seed = load_demo()
        if PressRelease.objects.count() >= releases:
            self.stdout.write(f"Already {PressRelease.objects.count()} releases; nothing to do.")
            return
        with transaction.atomic():
            self.seed(seed, releases)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Fresh statistics and visibility map, as autovacuum would make soon: a running
                # newsroom answers counts from its indexes alone.
                cursor.execute("VACUUM ANALYZE")
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            f"\n{PressRelease.objects.count()} releases, {Person.objects.count()} people, "
            f"{Organisation.objects.count()} organisations, {Image.objects.count()} photos "
            f"in {seconds:.0f} s"
        )

    def progress(self, label: str, done: int, total: int):
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r{label:<14} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def bulk(self, label, model, objects, total):
        created = []
        for start in range(0, total, BATCH):
            created += model.objects.bulk_create(objects[start : start + BATCH])
            self.progress(label, min(start + BATCH, total), total)
        return created

    def seed(self, seed, count):
        n_people, n_orgs, n_photos = max(count // 5, 1), max(count // 20, 1), max(count // 2, 1)
        topics = [Topic.objects.get_or_create(name=name)[0] for name in TOPIC_NAMES]
        organisations = self.bulk(
            "organisations",
            Organisation,
            [
                Organisation(
                    name=f"Organisation {i}",
                    slug=f"bench-organisation-{i}",
                    about=f"<p>Organisation {i} driver sociale tilbud i hele landet.</p>",
                )
                for i in range(n_orgs)
            ],
            n_orgs,
        )
        people = self.bulk(
            "people",
            Person,
            [
                Person(name=f"Person {i}", slug=f"bench-person-{i}", birth_year=1950 + i % 40)
                for i in range(n_people)
            ],
            n_people,
        )
        positions = [
            Position(
                person=person,
                organisation=organisations[(i + offset) % n_orgs],
                title=title,
                kind=kind,
                start=datetime.date(2000 + (i + offset) % 20, 1, 1),
                start_precision="year",
            )
            for i, person in enumerate(people)
            for offset, (title, kind) in enumerate(
                [("direktør", Position.Kind.EMPLOYMENT), ("bestyrelsesmedlem", Position.Kind.BOARD)]
            )
        ]
        self.bulk("positions", Position, positions, len(positions))
        # A few real files, processed like any upload; the photo rows share them.
        template_photo = seed.images.first()
        renditions = list(template_photo.renditions.all())
        photos = self.bulk(
            "photos",
            Image,
            [
                Image(
                    file=template_photo.file.name,
                    master=template_photo.master.name,
                    title=f"Pressefoto {i}",
                    caption=f"Billedtekst til pressefoto {i}.",
                    alt_text=f"Pressefoto {i}",
                    credit=f"Fotograf {i % 50}",
                    width=template_photo.width,
                    height=template_photo.height,
                    mime_type=template_photo.mime_type,
                    file_size=template_photo.file_size,
                )
                for i in range(n_photos)
            ],
            n_photos,
        )
        copies = [
            Rendition(
                image=photo,
                width=rendition.width,
                height=rendition.height,
                format=rendition.format,
                file=rendition.file.name,
            )
            for photo in photos
            for rendition in renditions
        ]
        self.bulk("renditions", Rendition, copies, len(copies))
        contacts = self.bulk(
            "contacts",
            MediaContact,
            [
                MediaContact(
                    person=people[i],
                    organisation=organisations[i % n_orgs],
                    title="kommunikationschef",
                    phone=f"+45 70 00 {i:04d}"[:16],
                    email=f"presse{i}@example.org",
                    is_listed=i < 20,
                )
                for i in range(min(n_orgs, n_people))
            ],
            min(n_orgs, n_people),
        )
        now = timezone.now()
        body = seed.body
        existing = PressRelease.objects.count()
        total = count - existing
        releases = self.bulk(
            "releases",
            PressRelease,
            [
                PressRelease(
                    title=f"Pressemeddelelse {i} om samskabelse og velfærd",
                    slug=f"bench-pressemeddelelse-{i}",
                    lead="En indledning om samskabelse, velfærd og sociale tilbud. " * 2,
                    body=body,
                    byline=organisations[i % n_orgs],
                    status=PressRelease.Status.PUBLISHED,
                    publish_at=now - datetime.timedelta(hours=6 * (i + 1)),
                    was_public=True,
                )
                for i in range(total)
            ],
            total,
        )
        topic_links = PressRelease.topics.through
        self.bulk(
            "topic links",
            topic_links,
            [
                topic_links(pressrelease_id=release.pk, topic_id=topic.pk)
                for i, release in enumerate(releases)
                for topic in {topics[i % 10], topics[(i * 7 + 3) % 10]}
            ],
            sum(len({i % 10, (i * 7 + 3) % 10}) for i in range(total)),
        )
        links = []
        for i, release in enumerate(releases):
            links += [
                ReleasePerson(release=release, person=people[(i * 3) % n_people], order=0),
                ReleasePerson(release=release, person=people[(i * 3 + 1) % n_people], order=1),
                ReleaseOrganisation(release=release, organisation=organisations[i % n_orgs]),
                ReleaseImage(release=release, image=photos[i % n_photos], order=0),
                ReleaseContact(release=release, contact=contacts[i % len(contacts)]),
            ]
        for model in (ReleasePerson, ReleaseOrganisation, ReleaseImage, ReleaseContact):
            rows = [link for link in links if type(link) is model]
            self.bulk(model.__name__, model, rows, len(rows))
        # The frozen record, as publishing writes it.
        ids = [release.pk for release in releases]
        for start in range(0, total, BATCH):
            batch = list(PressRelease.objects.for_page().filter(pk__in=ids[start : start + BATCH]))
            for release in batch:
                release.freeze_record()
            PressRelease.objects.bulk_update(batch, ["record"])
            self.progress("records", min(start + BATCH, total), total)
        update_search_vector(ids)
