"""Issue 19.13: "Lav engelsk version" makes an English draft of a release with everything that
is not text: its photos, media contacts, people, organisations and topics, in their order,
linked to the original. Only the text is left to translate."""

import pytest
from django.urls import reverse

from newsroom.models import PressRelease, Quote, ReleaseContact, ReleaseOrganisation
from tests.factories import (
    ImageFactory,
    MediaContactFactory,
    OrganisationFactory,
    PersonFactory,
    PressReleaseFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def danish():
    release = PressReleaseFactory(
        title="Ny direktør",
        lead="Indledning.",
        body="<p>Brødtekst.</p>",
        people=[PersonFactory(name="Mads"), PersonFactory(name="Ane")],
        photos=[ImageFactory(), ImageFactory()],
        byline=OrganisationFactory(name="LOS"),
    )
    for order, name in enumerate(["Socialministeriet", "Bikubenfonden"]):
        ReleaseOrganisation.objects.create(
            release=release, organisation=OrganisationFactory(name=name), order=order
        )
    for order in range(2):
        ReleaseContact.objects.create(release=release, contact=MediaContactFactory(), order=order)
    release.topics.add(TopicFactory(name="Ældre"), TopicFactory(name="Velfærd"))
    Quote.objects.create(release=release, speaker="Ekstern", role="formand", text="Godt.")
    return release


def make_version(client, release):
    return client.post(
        reverse("admin:newsroom_pressrelease_changelist"),
        {"action": "make_english_version", "_selected_action": [release.pk]},
    )


def test_make_english_version_copies_all_but_the_text(editor_client, danish):
    response = make_version(editor_client, danish)
    english = PressRelease.objects.get(language="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:newsroom_pressrelease_change", args=[english.pk])
    assert english.original == danish and english.status == PressRelease.Status.DRAFT
    assert english.publish_at is None and english.byline == danish.byline
    assert english.slug != danish.slug

    def ordered(release, links, field):
        return [getattr(link, field) for link in getattr(release, links).all()]

    for links, field in [
        ("image_links", "image_id"),
        ("contact_links", "contact_id"),
        ("person_links", "person_id"),
        ("organisation_links", "organisation_id"),
    ]:
        assert ordered(english, links, field) == ordered(danish, links, field), links
        assert len(ordered(english, links, field)) == 2
    assert set(english.topics.all()) == set(danish.topics.all())
    # The text is there to translate in place, the quotes with it.
    assert (english.title, english.lead, english.body) == (danish.title, danish.lead, danish.body)
    assert [(q.speaker, q.role, q.text) for q in english.quotes.all()] == [
        ("Ekstern", "formand", "Godt.")
    ]
    # The original is untouched.
    assert danish.image_links.count() == 2 and danish.quotes.count() == 1


def test_a_second_time_opens_the_version_there_is(editor_client, danish):
    make_version(editor_client, danish)
    english = PressRelease.objects.get(language="en")
    response = make_version(editor_client, danish)
    assert PressRelease.objects.filter(language="en").count() == 1
    assert response["Location"] == reverse("admin:newsroom_pressrelease_change", args=[english.pk])
    # From the version itself, too: it is the story's English version.
    response = make_version(editor_client, english)
    assert response["Location"] == reverse("admin:newsroom_pressrelease_change", args=[english.pk])


def test_the_action_reads_lav_engelsk_version_in_danish(editor_client, danish):
    page = editor_client.get(
        reverse("admin:newsroom_pressrelease_changelist"), HTTP_ACCEPT_LANGUAGE="da"
    ).content.decode()
    assert ">Lav engelsk version<" in page
