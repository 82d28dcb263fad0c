import functools
import threading
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, Prefetch
from django.urls import reverse

from newsroom.managers import public_organisations, public_people, public_topics
from newsroom.models import PressRelease, ReleaseImage
from newsroom.paging import KeptCountPaginator
from newsroom.parts import kept_in_process, public_state

# The public state the request being answered read (set by the views below): the index's counts
# and latest dates are kept in the process under it, read once after each change.
_request = threading.local()


class Sitemap(DjangoSitemap):
    """Absolute links from SITE_URL, never from the request's Host (which a client chooses)."""

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    # Django's default, the protocol's limit: at most 50,000 addresses a file.
    limit = 50_000

    @property
    def paginator(self):
        """Counted once per process while what the public sees stays the same (the index asks
        every section for its number of pages); a deep page reads its rows' keys first."""
        return KeptCountPaginator(
            self._items(),
            self.limit,
            state=getattr(_request, "state", None),
            key=("sitemap", self.section_name()),
        )

    def section_name(self) -> str:
        return type(self).__name__


def _on_site_url(view):
    """Django's sitemap views take the index's links from the request's host: they get
    SITE_URL's instead."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        netloc = urlsplit(settings.SITE_URL).netloc
        request.get_host = lambda: netloc
        _request.state = public_state(request)
        try:
            return view(request, *args, **kwargs)
        finally:
            _request.state = None

    return wrapped


sitemap_index = _on_site_url(sitemap_views.index)
sitemap_section = _on_site_url(sitemap_views.sitemap)


class ReleaseSitemap(Sitemap):
    changefreq = "monthly"
    limit = 1000  # per page of the section, so 10,000 releases are ten small files

    def items(self):
        # Lead photos are listed as image entries (see templates/sitemap.xml). Only what an
        # entry shows is read: a thousand releases without their bodies, records or renditions.
        photos = ReleaseImage.objects.select_related("image").only(
            "release_id", "order", "image__master"
        )
        return (
            PressRelease.objects.published()
            .only("slug", "language", "publish_at", "updated_at")
            .prefetch_related(Prefetch("image_links", queryset=photos))
        )

    def location(self, item):
        return item.canonical_url

    def lastmod(self, item):
        return max(item.updated_at, item.publish_at)

    def get_latest_lastmod(self):
        # For the index: one aggregate, not every release loaded, and kept like the counts.
        def latest():
            dates = PressRelease.objects.published().aggregate(
                updated=Max("updated_at"), published=Max("publish_at")
            )
            return max(filter(None, dates.values()), default=None)

        state = getattr(_request, "state", None)
        if state is None:
            return latest()
        return kept_in_process(state, ("sitemap-lastmod",), latest)


class PageSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "newsroom:release-list",
            "newsroom:archive",
            "newsroom:presskit",
            "newsroom:contacts",
            "newsroom:feeds",
        ]

    def location(self, item):
        return reverse(item)


class ObjectSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000  # each file written in well under a second (20,000 people: four files)

    def __init__(self, public_objects):
        self.public_objects = public_objects

    def section_name(self) -> str:
        return self.public_objects.__name__

    def items(self):
        return self.public_objects().only("slug").order_by("slug")


sitemaps = {
    "pages": PageSitemap,
    "releases": ReleaseSitemap,
    "people": ObjectSitemap(public_people),
    "organisations": ObjectSitemap(public_organisations),
    "topics": ObjectSitemap(public_topics),
}
