"""Feed formats on top of django.utils.feedgenerator: full content in RSS and Atom, JSON Feed."""

import json

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed, rfc3339_date


class RssWithContent(Rss201rev2Feed):
    """RSS 2.0 with the lead as description and the full text as content:encoded."""

    def rss_attributes(self):
        attributes = super().rss_attributes()
        attributes["xmlns:content"] = "http://purl.org/rss/1.0/modules/content/"
        return attributes

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class AtomWithContent(Atom1Feed):
    """Atom 1.0 (RFC 4287) with the lead as summary and the full text as content."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class JsonFeed(SyndicationFeed):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        feed = self.feed
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
            "language": feed["language"],
            "items": [self._item(item) for item in self.items],
        }
        if feed.get("author_name"):
            document["authors"] = [{"name": feed["author_name"]}]
        outfile.write(json.dumps(document, ensure_ascii=False, indent=1).encode(encoding))

    @staticmethod
    def _item(item):
        entry = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item.get("content_html") or item["description"],
            "summary": item["description"],
            "date_published": rfc3339_date(item["pubdate"]),
            "date_modified": rfc3339_date(item["updateddate"] or item["pubdate"]),
            "tags": list(item["categories"] or []),
            "language": item.get("language") or "da",
        }
        if item.get("author_name"):
            entry["authors"] = [{"name": item["author_name"]}]
        if item.get("image_url"):
            entry["image"] = item["image_url"]
        if item["enclosures"]:
            entry["attachments"] = [
                {"url": e.url, "mime_type": e.mime_type, "size_in_bytes": int(e.length)}
                for e in item["enclosures"]
            ]
        return entry
