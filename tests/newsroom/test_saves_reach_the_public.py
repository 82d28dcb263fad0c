"""Issue 9: what a press officer saves on a published release is what the public sees, or the
admin says plainly why not."""

import datetime
import re

import feedparser
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from newsroom import services
from newsroom.models import PressRelease, ReleasePerson
from people.models import Person, Position
from tests.factories import OrganisationFactory, PersonFactory, PressReleaseFactory
from tests.newsroom.test_publishing import change_url, form_data

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def link_rows(release, prefix, field, objects):
    """Inline rows as the admin posts them: the existing links, then `objects` to add."""
    links = list(getattr(release, prefix).all())
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(links) + len(objects)),
        f"{prefix}-INITIAL_FORMS": str(len(links)),
    }
    for index, link in enumerate(links):
        data.update(
            {
                f"{prefix}-{index}-id": link.pk,
                f"{prefix}-{index}-release": release.pk,
                f"{prefix}-{index}-{field}": getattr(link, f"{field}_id"),
                f"{prefix}-{index}-order": link.order,
            }
        )
    for offset, obj in enumerate(objects, start=len(links)):
        data.update(
            {
                f"{prefix}-{offset}-release": release.pk,
                f"{prefix}-{offset}-{field}": obj.pk,
                f"{prefix}-{offset}-order": offset,
            }
        )
    return data


def seed_form(release, **changes):
    data = form_data(release, **changes)
    data["byline"] = release.byline_id or ""
    data["topics"] = [topic.pk for topic in release.topics.all()]
    for prefix, field in (
        ("image_links", "image"),
        ("contact_links", "contact"),
        ("person_links", "person"),
        ("organisation_links", "organisation"),
    ):
        data.update(link_rows(release, prefix, field, []))
    return data


def test_item1_a_person_added_to_a_published_release_gets_a_box_at_once(
    publisher_client, seed_release, client
):
    susan = Person.objects.get(name="Susan Knage Møller")
    data = seed_form(seed_release)
    data.update(link_rows(seed_release, "person_links", "person", [susan]))
    response = publisher_client.post(change_url(seed_release), data, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("without a correction note" in m or "uden en rettelse" in m for m in shown), shown
    page = text_of(client.get(seed_release.get_absolute_url()))
    assert "Om Susan Knage Møller" in page
    assert "bestyrelsesformand, LOS" in page
    # Mads's frozen box is unchanged.
    assert "formand, Frivilligrådet (fra 1. februar 2018)" in page


def test_item1_a_person_removed_from_a_published_release_loses_the_box(
    publisher_client, seed_release, client
):
    data = seed_form(seed_release)
    data["person_links-0-DELETE"] = "on"
    data["correction_note"] = "Boksen om Mads Roke Clausen er fjernet."
    response = publisher_client.post(change_url(seed_release), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = text_of(client.get(seed_release.get_absolute_url()))
    assert "Om Mads Roke Clausen" not in page
    assert "Boksen om Mads Roke Clausen er fjernet." in page
    assert "Rettet" in page


def test_item1_later_edits_elsewhere_stay_out_until_refreshed_with_a_note(
    publisher_client, seed_release, client
):
    mads = Person.objects.get(name="Mads Roke Clausen")
    Position.objects.create(
        person=mads,
        organisation=OrganisationFactory(name="Glemt Fond"),
        title="bestyrelsesmedlem",
        kind=Position.Kind.BOARD,
        start=datetime.date(2020, 1, 1),
    )
    # A plain save of the release keeps the frozen box...
    publisher_client.post(change_url(seed_release), seed_form(seed_release))
    seed_release.refresh_from_db()
    assert "Glemt Fond" not in client.get(seed_release.get_absolute_url()).content.decode()
    # ...and the admin says which boxes are frozen, as of when.
    form_page = text_of(publisher_client.get(change_url(seed_release)))
    assert "3. maj 2021" in form_page and "Mads Roke Clausen" in form_page
    # Refreshing without a note is refused, with the reason, and nothing changes.
    data = seed_form(seed_release, refresh_record="on")
    response = publisher_client.post(change_url(seed_release), data)
    assert response.status_code == 200
    assert "correction note" in response.content.decode() or "rettelse" in text_of(response)
    assert "Glemt Fond" not in client.get(seed_release.get_absolute_url()).content.decode()
    # With a note the boxes are written afresh, as of the release date, and the public sees why.
    data = seed_form(seed_release, refresh_record="on", correction_note="Om-boksen er opdateret.")
    response = publisher_client.post(change_url(seed_release), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = text_of(client.get(seed_release.get_absolute_url()))
    assert "bestyrelsesmedlem, Glemt Fond" in page
    assert "52 år" in page  # still as of 3 May 2021
    assert "Om-boksen er opdateret." in page


def test_item1_a_release_saved_before_its_positions_were_entered_can_be_put_right(
    publisher, client
):
    person = PersonFactory(name="Ny Formand")
    release = PressReleaseFactory(draft=True, title="Ny formand", people=[person])
    services.release_publish(release=release, user=publisher)
    assert "Ny formand" in client.get(release.get_absolute_url()).content.decode()
    Position.objects.create(
        person=person,
        organisation=OrganisationFactory(name="Foreningen"),
        title="formand",
        kind=Position.Kind.CHAIR,
        start=datetime.date(2020, 1, 1),
    )
    release.refresh_from_db()
    release.update_record(refresh=True)
    release.save()
    services.release_correct(release=release, user=publisher, note="Bestyrelsesposten tilføjet.")
    page = text_of(client.get(release.get_absolute_url()))
    assert "formand, Foreningen" in page


def test_item2_republishing_a_withdrawn_release_restores_its_original_time(
    publisher_client, publisher, seed_release, client
):
    original = seed_release.publish_at
    newer = PressReleaseFactory(draft=True, title="En nyere meddelelse")
    services.release_publish(release=newer, user=publisher)
    services.release_unpublish(release=seed_release, user=publisher)
    assert client.get(seed_release.get_absolute_url()).status_code == 410
    changelist = reverse("admin:newsroom_pressrelease_changelist")
    response = publisher_client.post(
        changelist, {"action": "publish_now", "_selected_action": [seed_release.pk]}
    )
    assert response.status_code == 302
    seed_release.refresh_from_db()
    assert seed_release.publish_at == original
    assert seed_release.is_published
    feed = feedparser.parse(client.get("/feeds/rss/").content)
    assert feed.entries[0].title == "En nyere meddelelse"
    page = text_of(client.get(seed_release.get_absolute_url()))
    assert "3. maj 2021" in page and "52 år" in page


def test_item2_a_new_time_set_explicitly_moves_the_record_to_the_new_date(publisher, client):
    person = PersonFactory(name="Dato Person", birth_date=datetime.date(1970, 6, 1))
    release = PressReleaseFactory(draft=True, title="Flyttet dato", people=[person])
    services.release_publish(
        release=release, user=publisher, publish_at=timezone.now() - datetime.timedelta(days=400)
    )
    services.release_unpublish(release=release, user=publisher)
    new_time = (timezone.now() - datetime.timedelta(minutes=5)).replace(microsecond=0)
    services.release_publish(release=release, user=publisher, publish_at=new_time)
    release.refresh_from_db()
    assert release.publish_at == new_time
    assert release.record["as_of"] == timezone.localtime(new_time).date().isoformat()
    assert release.record["about"][0]["age"] == person.age_on(timezone.localdate(new_time))


def test_item1_records_without_pks_still_keep_their_boxes(seed_release, publisher):
    """Records frozen before boxes carried a pk are matched by slug and kept."""
    record = seed_release.record
    for box in record["about"]:
        box.pop("pk", None)
        box["current_roles"] = [
            {**r, "title": "gammel titel"} for r in box.get("current_roles", [])
        ]
    for contact in record["contacts"]:
        contact.pop("pk", None)
    PressRelease.objects.filter(pk=seed_release.pk).update(record=record)
    seed_release.refresh_from_db()
    ReleasePerson.objects.create(
        release=seed_release, person=Person.objects.get(name="Susan Knage Møller"), order=1
    )
    seed_release = PressRelease.objects.for_page().get(pk=seed_release.pk)
    seed_release.update_record()
    names = [box["name"] for box in seed_release.record["about"]]
    assert names == [
        "Mads Roke Clausen",
        "Susan Knage Møller",
        "LOS – Landsorganisationen for sociale tilbud",
    ]
    assert seed_release.record["about"][0]["current_roles"][0]["title"] == "gammel titel"
    assert len(seed_release.record["contacts"]) == 1
