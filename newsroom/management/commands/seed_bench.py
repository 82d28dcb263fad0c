"""Seed a newsroom of a given size for benchmarks: releases with people, organisations, topics,
photos and contacts, in bulk, with a progress bar. Run it on a scratch database only.

    python manage.py seed_bench --releases 100000

Sizes follow the releases: a fifth as many people, a twentieth as many organisations, a
thousandth as many topics (ten at least), half as many photos. Every fiftieth release is about
eight people (the admin's busiest change form), the others about two. Photos share a few stored
files (the pages' cost is in the rows, not the bytes).

On PostgreSQL the rows go in with COPY (common.bulk), the frozen "Om" boxes are written in
memory from the objects just made (as publishing writes them, without a query per release),
and the written tables are analysed at the end: 100,000 releases take about two minutes.
"""

import datetime
import sys
import time

from django.contrib.postgres.search import SearchVector
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from common.bulk import analyze, copy_objects, next_ids, reset_sequences, vacuum
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
from newsroom.search import SEARCH_CONFIG, _strip_tags_sql
from organisations.models import Organisation
from people.models import Person, Position

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
# Every this many releases, one about eight people (a new board, say).
EIGHT_PEOPLE_EVERY = 50
PROGRESS_EVERY = 5000


class Command(BaseCommand):
    help = "Seed a large newsroom for benchmarks (bulk, with a progress bar)."

    def add_arguments(self, parser):
        parser.add_argument("--releases", type=int, default=1000)

    def handle(self, *args, releases, **options):
        started = time.perf_counter()
        seed = load_demo()
        if PressRelease.objects.count() >= releases:
            self.stdout.write(f"Already {PressRelease.objects.count()} releases; nothing to do.")
            return
        with transaction.atomic():
            written = self.seed(seed, releases)
            # Statistics for the tables just written, before the first reader (README:
            # operations); inside the transaction, so nobody plans with the old ones.
            analyze(*written)
        vacuum(*written)  # the visibility map too (PostgreSQL), outside the transaction
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"\n{PressRelease.objects.count()} releases, {Person.objects.count()} people, "
            f"{Organisation.objects.count()} organisations, {Topic.objects.count()} topics, "
            f"{Image.objects.count()} photos in {seconds:.0f} s"
        )

    def progress(self, label: str, done: int, total: int):
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r{label:<14} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def insert(self, label, model, objects):
        """Give the objects their keys and write them (COPY on PostgreSQL)."""
        first = next_ids(model)
        for offset, obj in enumerate(objects):
            obj.pk = first + offset
        self.progress(label, 0, len(objects))
        for start in range(0, len(objects), 20 * PROGRESS_EVERY):
            copy_objects(model, objects[start : start + 20 * PROGRESS_EVERY])
            self.progress(label, min(start + 20 * PROGRESS_EVERY, len(objects)), len(objects))
        return objects

    def seed(self, seed, count):
        n_people, n_orgs, n_photos = max(count // 5, 1), max(count // 20, 1), max(count // 2, 1)
        n_topics = max(count // 1000, len(TOPIC_NAMES))
        topics = [Topic.objects.get_or_create(name=name)[0] for name in TOPIC_NAMES]
        known = set(Topic.objects.values_list("name", flat=True))
        topics += self.insert(
            "topics",
            Topic,
            [
                Topic(name=f"Emne {i}", slug=f"bench-emne-{i}")
                for i in range(len(TOPIC_NAMES), n_topics)
                if f"Emne {i}" not in known
            ],
        )
        organisations = self.insert(
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
        )
        people = self.insert(
            "people",
            Person,
            [
                Person(name=f"Person {i}", slug=f"bench-person-{i}", birth_year=1950 + i % 40)
                for i in range(n_people)
            ],
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
        self.insert("positions", Position, positions)
        for person in people:
            person._prefetched_objects_cache = {"positions": []}
        for position in positions:
            position.person._prefetched_objects_cache["positions"].append(position)
        # A few real files, processed like any upload; the photo rows share them.
        template_photo = seed.images.first()
        renditions = list(template_photo.renditions.all())
        photos = self.insert(
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
        )
        self.insert(
            "renditions",
            Rendition,
            [
                Rendition(
                    image=photo,
                    width=rendition.width,
                    height=rendition.height,
                    format=rendition.format,
                    file=rendition.file.name,
                )
                for photo in photos
                for rendition in renditions
            ],
        )
        contacts = self.insert(
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
        )
        now = timezone.now().replace(microsecond=0)
        total = count - PressRelease.objects.count()
        releases = self.insert(
            "releases",
            PressRelease,
            [
                PressRelease(
                    title=f"Pressemeddelelse {i} om samskabelse og velfærd",
                    slug=f"bench-pressemeddelelse-{i}",
                    lead="En indledning om samskabelse, velfærd og sociale tilbud. " * 2,
                    body=seed.body,
                    byline=organisations[i % n_orgs],
                    status=PressRelease.Status.PUBLISHED,
                    publish_at=now - datetime.timedelta(hours=6 * (i + 1)),
                    was_public=True,
                )
                for i in range(total)
            ],
        )
        topic_links = PressRelease.topics.through
        self.insert(
            "topic links",
            topic_links,
            [
                topic_links(pressrelease_id=release.pk, topic_id=topic.pk)
                for i, release in enumerate(releases)
                for topic in {topics[i % n_topics], topics[(i * 7 + 3) % n_topics]}
            ],
        )
        person_links, organisation_links, image_links, contact_links = [], [], [], []
        for i, release in enumerate(releases):
            about = 8 if i % EIGHT_PEOPLE_EVERY == 0 else 2
            release._prefetched_objects_cache = {
                "person_links": [
                    ReleasePerson(release=release, person=people[(i * 3 + k) % n_people], order=k)
                    for k in range(about)
                ],
                "organisation_links": [
                    ReleaseOrganisation(release=release, organisation=organisations[i % n_orgs])
                ],
                "contact_links": [
                    ReleaseContact(release=release, contact=contacts[i % len(contacts)])
                ],
            }
            person_links += release._prefetched_objects_cache["person_links"]
            organisation_links += release._prefetched_objects_cache["organisation_links"]
            contact_links += release._prefetched_objects_cache["contact_links"]
            image_links.append(ReleaseImage(release=release, image=photos[i % n_photos], order=0))
        self.insert("people links", ReleasePerson, person_links)
        self.insert("organisations", ReleaseOrganisation, organisation_links)
        self.insert("photo links", ReleaseImage, image_links)
        self.insert("contact links", ReleaseContact, contact_links)
        # The frozen record, as publishing writes it, from the objects in memory (nothing is
        # held back in a seeded newsroom).
        no_organisations_held_back = frozenset()
        for number, release in enumerate(releases, 1):
            release.unannounced_organisation_ids = lambda: no_organisations_held_back
            release.freeze_record()
            if number % PROGRESS_EVERY == 0 or number == total:
                self.progress("records", number, total)
        self.write_records(releases)
        self.write_search_vectors(releases)
        reset_sequences(
            Topic,
            Organisation,
            Person,
            Position,
            Image,
            Rendition,
            MediaContact,
            PressRelease,
            topic_links,
            ReleasePerson,
            ReleaseOrganisation,
            ReleaseImage,
            ReleaseContact,
        )
        return [
            Topic,
            Organisation,
            Person,
            Position,
            Image,
            Rendition,
            MediaContact,
            PressRelease,
            ReleasePerson,
            ReleaseOrganisation,
            ReleaseImage,
            ReleaseContact,
        ]

    def write_records(self, releases):
        if connection.vendor != "postgresql":
            PressRelease.objects.bulk_update(releases, ["record"], batch_size=500)
            return
        # One statement from a COPY'd temporary table, not an UPDATE per release.
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE seed_records (id bigint, record jsonb) ON COMMIT DROP"
            )
            field = PressRelease._meta.get_field("record")
            with cursor.cursor.copy("COPY seed_records (id, record) FROM STDIN") as copy:
                for release in releases:
                    copy.write_row([release.pk, field.get_db_prep_save(release.record, connection)])
            cursor.execute(
                "UPDATE newsroom_pressrelease SET record = seed_records.record "
                "FROM seed_records WHERE newsroom_pressrelease.id = seed_records.id"
            )

    def write_search_vectors(self, releases):
        ids = [release.pk for release in releases]
        if connection.vendor != "postgresql":
            return
        # The lead and body are the same in every seeded release: their part of the vector is
        # made once, and each release adds its title's (the vector save() stores, made with
        # one to_tsvector of a title per row instead of three of a whole text).
        rest = (
            PressRelease.objects.filter(pk=ids[0])
            .annotate(
                rest=SearchVector("lead", weight="B", config=SEARCH_CONFIG)
                + SearchVector(_strip_tags_sql(F("body")), weight="C", config=SEARCH_CONFIG)
            )
            .values_list("rest", flat=True)
            .get()
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE newsroom_pressrelease SET search_vector = "
                "setweight(to_tsvector(%s::regconfig, COALESCE(title, '')), 'A') || %s::tsvector "
                "WHERE id BETWEEN %s AND %s",
                [SEARCH_CONFIG, rest, ids[0], ids[-1]],
            )
