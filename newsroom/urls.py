import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from common.querystrings import reads_query_parameters
from media.views import editor_image_upload
from newsroom import api, files, views
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
    # The WebSub hub every feed names (outreach.websub; included by name, not imported).
    path("websub/", include("outreach.urls")),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon),
]
# Danish at /, English under /en/: the language is the URL's (common.middleware).
urlpatterns += i18n_patterns(
    path("", include("newsroom.app_urls")),
    # A journalist's "no more e-mails" from a pitch (outreach; included by name, not imported).
    path("journalister/", include("outreach.public_urls")),
    prefix_default_language=False,
)

# Uploaded files at their /media/ addresses, each only while something public shows it
# (newsroom.files); with S3 the bucket is private and the app sends readers on to a signed URL.
def media_urlpatterns():
    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    folders = "|".join(files.PUBLIC_MEDIA_FOLDERS)
    return [re_path(rf"^{prefix}(?P<name>(?:{folders})/[^/]+)$", files.media_file)]


if settings.MEDIA_URL.startswith("/"):
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
