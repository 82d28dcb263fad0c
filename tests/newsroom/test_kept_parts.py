"""Issue 10: a release's rendered parts (its article, its card, its feed entries) are kept in
the database with the release and served without rendering, with the page cache off, and are
never early and never stale: any change the public would see, a release going public at its
second, and a deploy each have them rendered afresh."""

import datetime

import feedparser
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.models import ContentVersion
from newsroom import services
from newsroom.models import PressRelease, RenderedPart
from newsroom.parts import KeptParts, public_state
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.django_db

# The page cache off, as `make bench` measures "uncached": only the kept parts remain.
without_page_cache = override_settings(
    PAGE_CACHE=False,
    MIDDLEWARE=[entry for entry in settings.MIDDLEWARE if not entry.startswith("newsroom.cache.")],
)


def get(url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = Client(**headers).get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(captured.captured_queries)


@without_page_cache
def test_a_kept_page_is_served_from_its_parts_in_one_query_and_reads_the_same(seed_release):
    url = seed_release.get_absolute_url()
    first, first_queries = get(url)
    second, second_queries = get(url)
    assert second == first
    assert "Ny direktør" in second and "Om LOS" in second
    # The release with its parts, and the content version with the next scheduled second
    # in the same statement.
    assert second_queries == 1 < first_queries
    names = set(RenderedPart.objects.filter(release=seed_release).values_list("name", flat=True))
    assert {"article:da", "meta:da", "data:da", "feeds:da"} <= names
    # The index and the feeds keep theirs too.
    for url in ["/", "/feeds/rss/", "/feeds/atom/", "/feeds/json/"]:
        first, _ = get(url)
        second, queries = get(url)
        assert second == first and seed_release.title in second
        assert queries <= 4, url


@without_page_cache
def test_an_edit_anywhere_is_on_the_next_response(seed_release):
    url = seed_release.get_absolute_url()
    for page in [url, "/", "/feeds/rss/"]:
        get(page)
    seed_release.title = "Ny direktør – rettet titel"
    seed_release.save()
    for page in [url, "/", "/feeds/rss/"]:
        assert "Ny direktør – rettet titel" in get(page)[0], page
    # A person's bio changes the release's "Om" box, though the release is not saved.
    person = seed_release.people.get()
    if seed_release.record:  # a published release shows its frozen record: make it live
        PressRelease.objects.filter(pk=seed_release.pk).update(record=None)
        from common.generation import content_changed

        content_changed()
    get(url)
    person.bio = "En helt ny biografi til Om-boksen."
    person.save()
    assert "En helt ny biografi til Om-boksen." in get(url)[0]


@without_page_cache
def test_a_correction_made_by_update_is_on_the_next_response(seed_release, publisher):
    url = seed_release.get_absolute_url()
    get(url)
    get("/feeds/atom/")
    services.release_correct(release=seed_release, user=publisher, note="Alder rettet.")
    assert "Alder rettet." in get(url)[0]
    entry = feedparser.parse(get("/feeds/atom/")[0]).entries[0]
    assert "Alder rettet." in entry.content[0].value


@without_page_cache
def test_never_early_a_release_goes_public_in_its_second_without_any_save(
    seed_release, publisher, time_machine
):
    release = PressReleaseFactory(draft=True, title="Planlagt nyhed blandt de kept dele")
    publish_at = (timezone.now() + datetime.timedelta(minutes=10)).replace(microsecond=0)
    services.release_publish(release=release, user=publisher, publish_at=publish_at)
    time_machine.move_to(publish_at - datetime.timedelta(seconds=5))
    neighbour = seed_release.get_absolute_url()
    for url in ["/", "/feeds/rss/", "/en/", neighbour]:
        assert "Planlagt nyhed blandt de kept dele" not in get(url)[0]
        assert "Planlagt nyhed blandt de kept dele" not in get(url)[0]  # from its kept parts
    time_machine.move_to(publish_at)
    for url in ["/", "/feeds/rss/", "/en/", release.get_absolute_url()]:
        assert "Planlagt nyhed blandt de kept dele" in get(url)[0], url
    # The seed release's "next" link now leads to it: its kept article was not used.
    assert release.get_absolute_url() in get(neighbour)[0]


@without_page_cache
def test_a_part_rendered_from_rows_read_before_an_edit_is_never_used(seed_release, rf):
    """The version is read before what a part shows: a part rendered while an edit was saved
    is filed under the old version and never served."""
    request = rf.get("/")
    parts = KeptParts(request)  # reads the version, as a page's first step
    seed_release.title = "Titlen efter redigeringen"
    seed_release.save()  # commits while the slow request still renders the old title
    parts.get_or_render(seed_release, "article", lambda extra: "<p>Den gamle titel</p>")
    parts.keep_pending()
    kept = RenderedPart.objects.get(release=seed_release, name="article:da")
    assert kept.content_version < public_state().version
    page = get(seed_release.get_absolute_url())[0]
    assert "Den gamle titel" not in page and "Titlen efter redigeringen" in page


@without_page_cache
def test_each_interface_language_has_its_own_parts(seed_release):
    url = seed_release.get_absolute_url()
    danish, _ = get(url)
    english, _ = get("/en" + url)
    assert "Pressefotos" in danish or "Om " in danish
    assert "Press photos" in english or "About " in english
    assert get("/en" + url)[0] == english and get(url)[0] == danish
    names = set(RenderedPart.objects.filter(release=seed_release).values_list("name", flat=True))
    assert {"article:da", "article:en"} <= names


@without_page_cache
def test_a_withdrawn_release_leaves_every_list_and_feed_at_once(seed_release, publisher):
    for url in ["/", "/feeds/rss/", "/feeds/json/"]:
        get(url)
    services.release_unpublish(release=seed_release, user=publisher)
    for url in ["/", "/feeds/rss/", "/feeds/json/"]:
        assert seed_release.title not in get(url)[0], url
    assert Client().get(seed_release.get_absolute_url()).status_code == 410


def test_a_deploy_renders_every_part_afresh(seed_release):
    """A deploy migrates, and may bring new templates: kept parts are not used after it."""
    before = ContentVersion.objects.get().number
    call_command("migrate", verbosity=0)
    assert ContentVersion.objects.get().number > before


@without_page_cache
def test_a_part_rendered_by_other_code_or_templates_is_never_used(seed_release):
    """During a rolling deploy old and new processes run side by side under the same content
    version: each uses only the parts its own code and templates rendered."""
    url = seed_release.get_absolute_url()
    get(url)
    RenderedPart.objects.filter(release=seed_release).update(
        build="old-templates", html="<p>Skrevet af den gamle udgave</p>"
    )
    page, _ = get(url)
    assert "Skrevet af den gamle udgave" not in page and seed_release.title in page
