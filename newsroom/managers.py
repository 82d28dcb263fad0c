import functools

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone


class PressReleaseQuerySet(models.QuerySet):
    def published(self, now=None):
        """The only road to public content: released, and its time has come.

        A date check on every query, so a scheduled release goes public in the
        same second everywhere without a background worker.
        """
        return self.filter(
            status__in=self.model.RELEASED,
            publish_at__lte=now or timezone.now(),
        )

    def withdrawn_or_moved(self, slug: str):
        """For an address no published release answers: ("gone", release) for a release the
        public saw and that was withdrawn, ("moved", release) for an earlier address of a
        published one, else None."""
        from newsroom.models import ReleaseSlug

        release = self.filter(slug=slug).only("status", "was_public").first()
        if release is None:
            moved = ReleaseSlug.objects.select_related("release").filter(slug=slug).first()
            release = moved.release if moved else None
            if release is not None and release.is_published:
                return "moved", release
        if (
            release is not None
            and release.status == release.Status.UNPUBLISHED
            and release.was_public
        ):
            return "gone", release
        return None

    def about(self, obj):
        """Releases of one topic, person or organisation (about it, or under its byline)."""
        from newsroom.models import Topic
        from organisations.models import Organisation
        from people.models import Person

        if obj is None:
            return self
        if isinstance(obj, Topic):
            return self.filter(topics=obj)
        if isinstance(obj, Person):
            return self.filter(people=obj)
        if isinstance(obj, Organisation):
            from newsroom.models import ReleaseOrganisation

            # Two index lookups joined in one list of ids: an OR of the two made the database
            # read every published release (120 ms at 100,000).
            about_it = ReleaseOrganisation.objects.filter(organisation=obj).values("release_id")
            bylined = self.model.objects.filter(byline=obj).values("pk")
            return self.filter(pk__in=about_it.union(bylined))
        raise TypeError(f"No releases are listed by {type(obj).__name__}")

    def released(self):
        """Published, or set to go public at a given second (scheduled, embargoed)."""
        return self.filter(status__in=self.model.RELEASED)

    def using_media(self, obj):
        """Releases that show a photo or document: as a press photo or attachment, and for a
        photo also inside the body text (by the name of any of its files)."""
        from media.models import Image

        uses = Q(pk__in=obj.releases.values("pk"))
        if isinstance(obj, Image):
            for name in obj.stored_names():
                uses |= Q(body__contains=name)
        return self.filter(uses)

    def before(self, release):
        """Older than the given release, newest first (its "previous")."""
        # The plain bound lets the database start its index scan at the release.
        return self.filter(
            models.Q(publish_at__lt=release.publish_at)
            | models.Q(publish_at=release.publish_at, pk__lt=release.pk),
            publish_at__lte=release.publish_at,
        ).order_by("-publish_at", "-pk")

    def after(self, release):
        return self.filter(
            models.Q(publish_at__gt=release.publish_at)
            | models.Q(publish_at=release.publish_at, pk__gt=release.pk),
            publish_at__gte=release.publish_at,
        ).order_by("publish_at", "pk")

    def related_to(self, release, *, window: int = 300):
        """Sharing topics or people with the release, the most shared first.

        Counted among the `window` newest releases that share anything, so the cost stays the
        same however large the archive grows.
        """
        from newsroom.models import ReleasePerson

        topic_ids = [topic.pk for topic in release.topics.all()]
        # A subquery: the release page need not fetch its people (the record has the boxes).
        person_ids = ReleasePerson.objects.filter(release=release).values("person")
        topic_link = self.model.topics.through.objects.filter(
            pressrelease=models.OuterRef("pk"), topic__in=topic_ids
        )
        person_link = ReleasePerson.objects.filter(
            release=models.OuterRef("pk"), person__in=person_ids
        )
        newest_sharing = (
            self.filter(models.Exists(topic_link) | models.Exists(person_link))
            .exclude(pk=release.pk)
            .order_by("-publish_at")
            .values("pk")[:window]
        )

        # Counted per candidate with two small index lookups each, not by joining every
        # candidate's topics and people and grouping (3 ms at 1,000 releases).
        def shared(links, column):
            counted = links.values(column).annotate(n=models.Count("*")).values("n")
            return Coalesce(models.Subquery(counted), 0)

        return (
            self.model.objects.filter(pk__in=newest_sharing)
            .annotate(shared=shared(topic_link, "pressrelease") + shared(person_link, "release"))
            .order_by("-shared", "-publish_at")
        )

    def one_per_story(self, language: str, now=None):
        """Each story once: a release in another language is left out where its story has a
        published version in `language` (that version stands for it). Versions are few, so
        the left-out ids are two small subqueries the database reads once, not per row.
        `now` as for `published`: a prepared query passes it (common.prepared)."""
        published = self.model.objects.published(now)
        in_language = published.filter(language=language)
        versions_standing_in = in_language.filter(original__isnull=False).values("original_id")
        replaced_versions = (
            published.filter(original__isnull=False)  # the versions, by their index
            .exclude(language=language)
            .filter(original__in=in_language.values("pk"))
        )
        return self.exclude(pk__in=versions_standing_in).exclude(
            pk__in=replaced_versions.values("pk")
        )

    def for_listing(self):
        """What a list row shows: byline, topics and the lead photo, in constant queries."""
        return self.select_related("byline").prefetch_related(*listing_parts())

    def for_page(self):
        """Everything the release page shows, in a constant number of queries: for previews
        and drafts, whose "Om" boxes and contacts are written from the live links."""
        return self.for_published_page().prefetch_related(*live_parts())

    def for_page_frame(self):
        """One public release page's row, with flags for the parts most releases lack
        (documents, corrections, quotes, language versions). What its kept parts show is
        fetched only when one is rendered: `prefetch_listing_parts`, then
        `prefetch_present_parts` for the parts it has."""
        from newsroom.models import Correction, PressRelease, Quote

        documents = PressRelease.documents.through.objects.filter(pressrelease=OuterRef("pk"))
        return self.annotate(
            has_documents=Exists(documents),
            has_corrections=Exists(Correction.objects.filter(release=OuterRef("pk"))),
            has_quotes=Exists(Quote.objects.filter(release=OuterRef("pk"))),
            has_versions=Exists(PressRelease.objects.filter(original=OuterRef("pk"))),
        )

    def for_feed_entries(self):
        """A feed's releases, with what every entry carries; `prefetch_feed_parts` fetches
        what an entry shows when it is written (not when it is kept), and
        `prefetch_corrections` the correction notes, only when an entry has some."""
        from newsroom.models import Correction

        return self.annotate(
            has_corrections=Exists(Correction.objects.filter(release=OuterRef("pk")))
        )

    def for_published_page(self):
        """As for_page, for releases the public sees: their frozen record carries the "Om"
        boxes and the contact block, so the people, organisations and contacts are fetched
        only for the few without one (prefetch_live_parts)."""
        from newsroom.models import Quote

        return self.for_listing().prefetch_related(
            "documents",
            "corrections",
            Prefetch("quotes", queryset=Quote.objects.select_related("person")),
        )


def listing_parts() -> list:
    """A list row's topics and lead photo (with its renditions)."""
    from newsroom.models import ReleaseImage

    return [
        "topics",
        Prefetch(
            "image_links",
            queryset=ReleaseImage.objects.select_related("image").prefetch_related(
                "image__renditions"
            ),
        ),
    ]


def prefetch_listing_parts(releases, *more) -> list:
    """`listing_parts` (and `more`) for releases already fetched: a list whose kept cards are
    out of date."""
    releases = list(releases)
    models.prefetch_related_objects(releases, *listing_parts(), *more)
    return releases


def live_parts() -> list:
    from newsroom.models import ReleaseContact, ReleaseOrganisation, ReleasePerson
    from people.models import Position

    positions = Position.objects.select_related("organisation")
    return [
        Prefetch(
            "person_links",
            queryset=ReleasePerson.objects.select_related("person").prefetch_related(
                Prefetch("person__positions", queryset=positions)
            ),
        ),
        Prefetch(
            "organisation_links",
            queryset=ReleaseOrganisation.objects.select_related("organisation"),
        ),
        Prefetch(
            "contact_links",
            queryset=ReleaseContact.objects.select_related(
                "contact__person", "contact__organisation"
            ),
        ),
    ]


def prefetch_feed_parts(releases) -> list:
    """What a feed entry shows (byline, earlier feed id, the listing's parts and the quotes),
    for releases from `for_feed_entries`."""
    from newsroom.models import Quote

    quotes = Prefetch("quotes", queryset=Quote.objects.select_related("person"))
    return prefetch_listing_parts(releases, "byline", "source", quotes)


def prefetch_corrections(releases) -> list:
    """The corrections of releases from `for_feed_entries`: one query, and none when no entry has a
    correction (most feeds)."""
    from newsroom.models import Correction

    releases = list(releases)
    corrected = [release for release in releases if release.has_corrections]
    for release in releases:
        if not release.has_corrections:
            cache = release.__dict__.setdefault("_prefetched_objects_cache", {})
            cache["corrections"] = Correction.objects.none()
    models.prefetch_related_objects(corrected, "corrections")
    return releases


def prefetch_present_parts(release):
    """The documents, corrections and quotes of a release from `for_page_frame`, each
    fetched only if it has some: a release without them costs no query for them."""
    from media.models import Document
    from newsroom.models import Correction, Quote

    parts = {
        "documents": ("documents", Document),
        "corrections": ("corrections", Correction),
        "quotes": (Prefetch("quotes", queryset=Quote.objects.select_related("person")), Quote),
    }
    cache = release.__dict__.setdefault("_prefetched_objects_cache", {})
    wanted = []
    for name, (lookup, model) in parts.items():
        if getattr(release, f"has_{name}"):
            wanted.append(lookup)
        else:
            cache[name] = model.objects.none()
    models.prefetch_related_objects([release], *wanted)
    return release


def prefetch_live_parts(releases) -> list:
    """The releases, with people, organisations and contacts fetched for those that have no
    frozen record (their boxes are written live)."""
    releases = list(releases)
    live = [release for release in releases if not release.record]
    if live:
        models.prefetch_related_objects(live, *live_parts())
        # One query for the whole list, asked only if a box is written.
        unannounced = functools.cache(unannounced_organisation_ids)
        for release in live:
            release.unannounced_organisation_ids = unannounced
    return releases


# People, organisations and topics are public through published releases only: one created
# for an embargoed release must not show its name, bio or page before the embargo lifts.
def public_topics():
    from newsroom.models import PressRelease, Topic

    return Topic.objects.filter(pk__in=PressRelease.objects.published().values("topics"))


def published_link(model, outer: str = "pk", now=None, **lookups):
    """Links of `model` (ReleasePerson, ReleaseOrganisation, …) to a published release, for an
    EXISTS per row: a join to each link's release by its key, so a person or organisation is
    checked with a few index lookups however many releases there are (an IN over every
    published release's id made the planner read them all: 150 ms at 100,000 releases)."""
    from newsroom.models import PressRelease

    return model.objects.filter(
        release__status__in=PressRelease.RELEASED,
        release__publish_at__lte=now or timezone.now(),
        **{key: models.OuterRef(value) for key, value in lookups.items()},
    )


def person_is_public(outer: str = "pk", prefix: str = ""):
    """The condition for a public person, on a row whose person is `outer` (a Person's "pk", a
    Position's "person")."""
    from newsroom.models import ReleasePerson

    return models.Exists(published_link(ReleasePerson, person=outer)) | Q(
        **{f"{prefix}is_public": True}
    )


def public_people():
    from people.models import Person

    return Person.objects.filter(person_is_public())


def organisations_with_releases():
    """Organisations a published release is about or bylined by (the choices of the index's
    filter and of e-mail alerts). EXISTS per organisation: a few index lookups each, however
    many releases there are."""
    from newsroom.models import PressRelease, ReleaseOrganisation
    from organisations.models import Organisation

    published = PressRelease.objects.published()
    about = published_link(ReleaseOrganisation, organisation="pk")
    bylined = published.filter(byline=models.OuterRef("pk"))
    return Organisation.objects.filter(models.Exists(about) | models.Exists(bylined))


def public_media_contacts():
    """The contacts page: those the press office lists; of those named after a person, the ones
    whose person is public or who are already a published release's contact."""
    from media.models import MediaContact
    from newsroom.models import ReleaseContact

    on_published_release = published_link(ReleaseContact, contact="pk")
    return MediaContact.objects.listed().filter(
        Q(person__isnull=True)
        | person_is_public("person", "person__")
        | models.Exists(on_published_release)
    )


def unannounced_organisations():
    """Organisations first named by a release the public had not seen yet (kept back, see
    newsroom.signals) and not yet announced by one it has: a new organisation a coming release
    will present. A role there is left out of every public page and every other release's "Om"
    boxes, even for a person who is already public, until a release about it is published.
    An organisation the public could already see when a draft named it is never kept back."""
    from newsroom.models import PressRelease, ReleaseOrganisation
    from organisations.models import Organisation

    announced = PressRelease.objects.filter(
        Q(pk__in=PressRelease.objects.published().values("pk")) | Q(was_public=True)
    )
    about = ReleaseOrganisation.objects.filter(
        organisation=models.OuterRef("pk"), release__in=announced
    )
    bylined = announced.filter(byline=models.OuterRef("pk"))
    return Organisation.objects.filter(kept_back=True).exclude(
        models.Exists(about) | models.Exists(bylined)
    )


def unannounced_organisation_ids() -> frozenset:
    return frozenset(unannounced_organisations().values_list("pk", flat=True))


def public_organisations():
    """Those a published release is about or bylined by, and those in the careers that public
    people's pages show today (their "Om" boxes link to them); a position that has not started
    yet, or one at an organisation a coming release will announce, makes nothing public.
    EXISTS per organisation, so a filtered list (search, one page) looks only at the
    organisations it needs."""
    from newsroom.models import PressRelease, ReleaseOrganisation, ReleasePerson
    from organisations.models import Organisation
    from people.models import Position

    published = PressRelease.objects.published()
    about = published_link(ReleaseOrganisation, organisation="pk")
    bylined = published.filter(byline=models.OuterRef("pk"))
    in_published_release = published_link(ReleasePerson, person="person")
    careers = (
        Position.objects.shown_on(timezone.localdate())
        .filter(organisation=models.OuterRef("pk"))
        .filter(models.Exists(in_published_release) | Q(person__is_public=True))
    )
    announced_careers = models.Exists(careers) & ~Q(pk__in=unannounced_organisations())
    return Organisation.objects.filter(
        models.Exists(about) | models.Exists(bylined) | announced_careers
    )
