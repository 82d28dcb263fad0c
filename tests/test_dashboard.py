"""Issue 11: the admin's front page tells a press officer what is coming, what waits and who
changed what, with a chart that reads without colour."""

import datetime
import re

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.urls import reverse
from django.utils import timezone

from newsroom import services
from newsroom.models import AlertDelivery, Subscription
from tests.factories import PressReleaseFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_what_is_coming_waiting_changed_and_counted(
    publisher_client, publisher
):
    embargoed = PressReleaseFactory(draft=True, title="Under embargo")
    lift = timezone.now() + datetime.timedelta(days=2)
    services.release_publish(release=embargoed, user=publisher, publish_at=lift, embargo=True)
    link, _url = services.preview_link_issue(
        release=embargoed,
        user=publisher,
        name="Jens Journalist",
        email="j@avis.dk",
        outlet="Avisen",
    )
    PressReleaseFactory(draft=True, title="Kladde til udgiveren")
    published = PressReleaseFactory(title="Ude nu")
    topic = TopicFactory(name="Ældrepleje")
    subscriber = Subscription.objects.create(
        email="s@avis.dk", all_releases=False, confirmed_at=timezone.now()
    )
    subscriber.topics.add(topic)
    AlertDelivery.objects.create(release=published, subscription=subscriber, sent_at=timezone.now())
    LogEntry.objects.log_actions(
        user_id=publisher.pk, queryset=[published], action_flag=ADDITION, change_message=""
    )

    html = publisher_client.get(reverse("admin:index")).content.decode()
    going = html[html.index('id="dash-upcoming"') : html.index('id="dash-previews"')]
    assert "Under embargo" in going and ("(CET)" in going or "(CEST)" in going)
    previews = html[html.index('id="dash-previews"') : html.index('id="dash-drafts"')]
    assert "Jens Journalist" in previews and "Avisen" in previews
    drafts = html[html.index('id="dash-drafts"') : html.index('id="dash-changes"')]
    assert "Kladde til udgiveren" in drafts and "Under embargo" not in drafts
    changes = html[html.index('id="dash-changes"') : html.index('id="dash-subscribers"')]
    assert "publisher-user" in changes and "Ude nu" in changes
    subscribers = html[html.index('id="dash-subscribers"') : html.index('id="dash-chart"')]
    assert "1 bekræftet abonnent" in subscribers and "<td>Ældrepleje</td><td>1</td>" in subscribers

    chart = html[html.index('id="dash-chart"') : html.index('id="dash-reach"')]
    assert 'role="img"' in chart and 'fill="url(#alert-hatch)"' in chart
    # Every bar carries its number, and the same numbers are in a table.
    this_month = chart[chart.rindex('<tr><th scope="row">') :]
    assert re.search(r"<td>1</td><td>1</td>", this_month)


def test_an_editor_sees_the_dashboard_without_the_preview_links(editor_client):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert 'id="dash-upcoming"' in html and 'id="dash-chart"' in html
    assert 'id="dash-previews"' not in html
