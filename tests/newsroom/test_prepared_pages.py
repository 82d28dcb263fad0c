"""The index and the newsroom's feeds run prepared queries (common.prepared): every moment
they check is the request's, not the one they were first compiled at. A story published
later, with a version in the page's language, shows once (it once showed twice)."""

import datetime

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from newsroom import parts
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.django_db

without_page_cache = override_settings(
    PAGE_CACHE=False,
    MIDDLEWARE=[e for e in settings.MIDDLEWARE if not e.startswith("newsroom.cache.")],
)


@without_page_cache
def test_story_published_after_compile_shows_once_on_index_and_feed(time_machine):
    parts._index_query._compiled.cache_clear()
    parts._feed_queries["rss-entry"]._compiled.cache_clear()
    PressReleaseFactory(title="Tidligere nyhed")
    assert Client().get("/").status_code == 200  # compiles the index query now
    assert Client().get("/feeds/rss/").status_code == 200
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=1))
    moment = timezone.now() - datetime.timedelta(minutes=1)
    english = PressReleaseFactory(title="English original story", language="en", publish_at=moment)
    PressReleaseFactory(title="Dansk udgave af historien", original=english, publish_at=moment)
    twice = []
    for url in ["/", "/feeds/rss/"]:
        page = Client().get(url).content.decode()
        assert "Dansk udgave af historien" in page
        if "English original story" in page:  # the story shows twice
            twice.append(url)
    assert twice == []
