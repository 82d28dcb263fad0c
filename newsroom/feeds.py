from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from django.utils.translation import gettext_lazy as _

from common.urls import absolute_url
from newsroom.models import PressRelease

FEED_LENGTH = 20


class ReleaseFeed(Feed):
    """The newest published releases, full text, lead photo as enclosure."""

    feed_type = Rss201rev2Feed
    description = _("The newest press releases, full text.")
    language = settings.LANGUAGE_CODE

    def title(self):
        return f"{settings.SITE_NAME}: {_('press releases')}"

    def link(self):
        return absolute_url(reverse("newsroom:release-list"))

    def feed_url(self):
        return absolute_url(reverse("newsroom:feed-rss"))

    def items(self):
        return PressRelease.objects.published().for_page()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    description_template = "feeds/release_description.html"

    def item_guid(self, item):
        return f"urn:uuid:{item.guid}"

    item_guid_is_permalink = False

    def item_author_name(self, item):
        return item.byline.display_name if item.byline else settings.SITE_NAME

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.publish_at, item.updated_at)

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]

    def item_enclosures(self, item):
        image = item.lead_image
        if not image:
            return []
        return [
            Enclosure(
                absolute_url(image.file.url),
                str(image.file_size or 0),
                image.mime_type or "image/jpeg",
            )
        ]
