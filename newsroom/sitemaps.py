from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Prefetch
from django.urls import reverse

from newsroom.managers import public_organisations, public_people, public_topics
from newsroom.models import PressRelease, ReleaseImage


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
        # For the index: one aggregate, not every release loaded.
        latest = PressRelease.objects.published().aggregate(
            updated=Max("updated_at"), published=Max("publish_at")
        )
        return max(filter(None, latest.values()), default=None)


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

    def __init__(self, public_objects):
        self.public_objects = public_objects

    def items(self):
        return self.public_objects().only("slug").order_by("slug")


sitemaps = {
    "pages": PageSitemap,
    "releases": ReleaseSitemap,
    "people": ObjectSitemap(public_people),
    "organisations": ObjectSitemap(public_organisations),
    "topics": ObjectSitemap(public_topics),
}
