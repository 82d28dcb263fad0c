from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from newsroom.models import PressRelease, Topic
from organisations.models import Organisation
from people.models import Person


class ReleaseSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        # Lead photos are listed as image entries (see templates/sitemap.xml).
        return PressRelease.objects.published().for_listing()

    def lastmod(self, item):
        return max(item.updated_at, item.publish_at)


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

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.only("slug")


sitemaps = {
    "pages": PageSitemap,
    "releases": ReleaseSitemap,
    "people": ObjectSitemap(Person),
    "organisations": ObjectSitemap(Organisation),
    "topics": ObjectSitemap(Topic),
}
