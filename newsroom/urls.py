import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from common.querystrings import reads_query_parameters
from media.views import editor_image_upload
from newsroom import api, views
from newsroom.sitemaps import sitemap_index, sitemap_section, sitemaps

urlpatterns = [
    path("admin/editor-upload/", editor_image_upload, name="editor-image-upload"),
    # The second factor for staff: its steps, passkeys and the account's security page.
    path("admin/", include("accounts.urls")),
    path("admin/second-factor/passkeys/", include("accounts.webauthn_urls")),
    path("admin/", admin.site.urls),
    # An index of sections; the releases come a thousand to a page (?p=2 ...).
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_section,
        {"sitemaps": sitemaps, "template_name": "sitemap.xml"},
        name="sitemap-section",
    ),
    # Read-only JSON of what the public pages show, and oEmbed for release pages (newsroom.api).
    path("api/v1/", include("newsroom.api_urls")),
    path("oembed/", api.oembed, name="oembed"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon),
]
# Danish at /, English under /en/: the language is the URL's (common.middleware).
urlpatterns += i18n_patterns(path("", include("newsroom.app_urls")), prefix_default_language=False)

# The folders whose files are public by design: press-photo masters and renditions (made by
# media.services, metadata stripped), portraits and logos (re-encoded the same way). Nothing
# else under MEDIA_ROOT is served by URL: documents go through their own view (as attachments,
# for published releases only), and an upload being processed never.
PUBLIC_MEDIA_FOLDERS = ("photos", "renditions", "portraits", "logos")


def serve_public_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def media_urlpatterns():
    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    folders = "|".join(PUBLIC_MEDIA_FOLDERS)
    return [re_path(rf"^{prefix}(?P<path>(?:{folders})/[^/]+)$", serve_public_media)]


if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    # Local-disk media for single-machine set-ups; with object storage the bucket serves it.
    urlpatterns += media_urlpatterns()

# The query parameters each page reads (common.querystrings): any other is ignored, in the page
# cache's key and wherever a page prints its own address.
for _name in ("person-detail", "topic-detail", "archive", "archive-year", "archive-month"):
    reads_query_parameters(f"newsroom:{_name}", "page")
reads_query_parameters("newsroom:presskit", "page")
reads_query_parameters("newsroom:release-list", "emne", "organisation", "aar", "page")
reads_query_parameters("newsroom:organisation-detail", "dato", "page")
reads_query_parameters("newsroom:search", "q")
reads_query_parameters("newsroom:subscription-manage", "confirmed")
reads_query_parameters("sitemap-section", "p")
reads_query_parameters("api:releases", "topic", "organisation", "person", "page")
for _name in ("people", "organisations", "topics"):
    reads_query_parameters(f"api:{_name}", "page")
reads_query_parameters("oembed", "url", "format", "maxwidth", "maxheight")
