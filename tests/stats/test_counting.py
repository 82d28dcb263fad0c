"""Readers counted as a press office reports them: per release and day and channel, once per
request, without bots, staff, cookies or personal data; from cached pages too."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse

from newsroom.models import PressRelease
from stats import counting
from stats.counting import counters, subscriber_report
from stats.models import FeedDayCount, FeedSubscribers, PhotoDayCount, ReleaseDayCount
from tests.wsgi_client import WsgiClient

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture(autouse=True)
def empty_counters():
    counters.pending.clear()
    counters.reports.clear()
    yield
    counters.pending.clear()
    counters.reports.clear()


def counts(release):
    counters.flush()
    return dict(
        ReleaseDayCount.objects.filter(release=release).values_list("channel", "count")
    )


def test_each_channel_is_counted_once_per_request(seed_release):
    reader = WsgiClient(user_agent=BROWSER)
    url = seed_release.get_absolute_url()
    for _ in range(3):
        assert reader.get(url).status_code == 200
    assert reader.get(f"/en{url}").status_code == 200
    assert reader.get(f"{url}pdf/").status_code == 200
    assert reader.get(f"/api/v1/releases/{seed_release.slug}/").status_code == 200
    oembed = f"/oembed/?url=http://testserver{url}"
    assert reader.get(oembed).status_code == 200
    image = seed_release.lead_image
    assert reader.get(reverse("newsroom:image-download", args=[image.pk])).status_code == 200
    assert counts(seed_release) == {
        "view_da": 3,
        "view_en": 1,
        "pdf": 1,
        "api": 1,
        "oembed": 1,
    }
    assert PhotoDayCount.objects.get(image=image).count == 1
    # A page that answered 404, and pages that are not about a release, count nothing.
    reader.get("/pressemeddelelser/findes-ikke/")
    reader.get("/")
    assert sum(counts(seed_release).values()) == 7


def test_pages_from_the_cache_are_counted_too(seed_release):
    reader = WsgiClient(user_agent=BROWSER)
    url = seed_release.get_absolute_url()
    reader.get(url)
    rendered = reader.calls_to_django
    reader.get(url)
    reader.get(url)
    assert reader.calls_to_django == rendered  # the front answered from the cache
    assert counts(seed_release) == {"view_da": 3}


def test_bots_and_staff_are_left_out(seed_release, django_user_model):
    url = seed_release.get_absolute_url()
    WsgiClient(user_agent=GOOGLEBOT).get(url)
    WsgiClient().get(url)  # no User-Agent at all
    WsgiClient(user_agent=BROWSER, cookie="sessionid=abc123").get(url)
    assert counts(seed_release) == {}


def test_a_counted_answer_sets_no_cookie_and_stays_public(seed_release):
    response = WsgiClient(user_agent=BROWSER).get(seed_release.get_absolute_url())
    assert "Set-Cookie" not in response.headers
    assert "public" in response["Cache-Control"]
    assert counts(seed_release) == {"view_da": 1}


def test_feeds_count_fetches_and_the_subscribers_aggregators_report(seed_release):
    feedly = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; {n} subscribers; feed-id=abc)"
    WsgiClient(user_agent=feedly.format(n=42)).get("/feeds/rss/")
    WsgiClient(user_agent=feedly.format(n=50)).get("/feeds/rss/")  # the latest report counts
    WsgiClient(
        user_agent="Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 12 subscribers; )"
    ).get("/feeds/rss/")
    WsgiClient(user_agent=BROWSER).get("/feeds/atom/")
    counters.flush()
    assert dict(FeedDayCount.objects.values_list("feed", "count")) == {
        "/feeds/rss/": 3,
        "/feeds/atom/": 1,
    }
    assert dict(FeedSubscribers.objects.values_list("aggregator", "subscribers")) == {
        "Feedly": 50,
        "Inoreader": 12,
    }
    out = io.StringIO()
    call_command("release_stats", "--feeds", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["subscribers"] == 62 and data["fetches"] == 4


@pytest.mark.parametrize(
    "agent,report",
    [
        (
            "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; feed-id=1234)",
            ("Feedly", "1234", 42),
        ),
        (
            "Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 12 subscribers; )",
            ("Inoreader", "", 12),
        ),
        (
            "NewsBlur Feed Fetcher - 7 subscribers - http://www.newsblur.com/site/123/los",
            ("NewsBlur", "", 7),
        ),
        ("Feedbin feed-id:1234 - 5 subscribers", ("Feedbin", "1234", 5)),
        (
            "theoldreader.com (+http://theoldreader.com/feeds/subscribers; 3 subscribers; "
            "feed-id=5f1a)",
            ("The Old Reader", "5f1a", 3),
        ),
        ("Feedly/1.0 (+http://www.feedly.com/fetcher.html; like FeedFetcher-Google)", None),
        (BROWSER, None),
    ],
)
def test_aggregator_subscriber_reports_are_read(agent, report):
    assert subscriber_report(agent) == report


def test_counts_wait_in_memory_while_the_database_is_away(seed_release, monkeypatch):
    reader = WsgiClient(user_agent=BROWSER)
    url = seed_release.get_absolute_url()

    def away(*args, **kwargs):
        raise DatabaseError("the database is away")

    monkeypatch.setattr(counting, "_write", away)
    reader.get(url)
    assert counters.flush() == 0  # not written, and no page failed
    reader.get(url)
    monkeypatch.undo()
    assert counts(seed_release) == {"view_da": 2}


def test_a_redis_outage_fails_no_page_and_loses_no_count(seed_release, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        },
    }
    reader = WsgiClient(user_agent=BROWSER)
    for _ in range(2):
        assert reader.get(seed_release.get_absolute_url()).status_code == 200
    assert counts(seed_release) == {"view_da": 2}


def test_release_stats_prints_every_channel(seed_release):
    reader = WsgiClient(user_agent=BROWSER)
    reader.get(seed_release.get_absolute_url())
    reader.get(f"/en{seed_release.get_absolute_url()}")
    out = io.StringIO()
    call_command("release_stats", seed_release.slug, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert list(data) == [
        "views",
        "views_en",
        "pdf_downloads",
        "photo_downloads",
        "api_reads",
        "alert_mails",
        "pitch_mails",
        "preview_openings",
    ]
    assert data["views"] == 1 and data["views_en"] == 1


def test_nginx_cache_hits_are_counted_from_its_log(seed_release, tmp_path):
    url = seed_release.get_absolute_url()
    line = (
        '203.0.113.9 - - [03/May/2021:09:15:02 +0200] "GET {url} HTTP/2.0" {status} 5120 "-" '
        '"{agent}" "{staff}" {cache}\n'
    )
    log = tmp_path / "newsroom-access.log"
    log.write_text(
        line.format(url=url, status=200, agent=BROWSER, staff="-", cache="HIT")
        + line.format(url=url, status=200, agent=BROWSER, staff="-", cache="STALE")
        + line.format(url=url, status=200, agent=BROWSER, staff="-", cache="MISS")  # the app's
        + line.format(url=url, status=200, agent=GOOGLEBOT, staff="-", cache="HIT")
        + line.format(url=url, status=200, agent=BROWSER, staff="staff", cache="HIT")
        + line.format(url=url, status=404, agent=BROWSER, staff="-", cache="HIT")
        + "not a log line\n"
    )
    out = io.StringIO()
    call_command("count_access_log", str(log), stdout=out)
    assert "2 answers from nginx's cache counted; 1 lines unread." in out.getvalue()
    [row] = ReleaseDayCount.objects.filter(release=seed_release)
    assert (row.day.isoformat(), row.channel, row.count) == ("2021-05-03", "view_da", 2)


def test_the_release_admin_page_and_the_dashboard_show_the_counts(
    seed_release, publisher_client
):
    reader = WsgiClient(user_agent=BROWSER)
    reader.get(seed_release.get_absolute_url())
    counters.flush()
    page = publisher_client.get(
        reverse("admin:newsroom_pressrelease_change", args=[seed_release.pk])
    ).content.decode()
    assert "Hvad der skete med pressemeddelelsen" in page or "What happened" in page
    csv_page = publisher_client.get(reverse("admin:stats_release_csv", args=[seed_release.pk]))
    text = csv_page.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "day;" + ";".join(
        ["views", "views_en", "pdf_downloads", "photo_downloads", "api_reads", "alert_mails",
         "pitch_mails", "preview_openings"]
    )
    assert PressRelease.objects.filter(pk=seed_release.pk).exists()
    dashboard = publisher_client.get(reverse("admin:index")).content.decode()
    assert seed_release.title in dashboard
