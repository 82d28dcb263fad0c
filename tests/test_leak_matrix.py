"""The leak matrix: nothing of a non-public release reaches any public response, by any road.

Five releases (draft, scheduled, embargoed, unpublished, published) each carry a unique marker
word in title, lead, body, photo caption and alt text. Every public page, feed, search and
sitemap is fetched as an anonymous visitor and as a staff member without publish rights, twice
(so a response that came from a cache is checked as well), and no marker of a non-public release
may appear, nor any address of a photo used only by them. Then the clock moves past the
scheduled and embargo times and both appear everywhere at once.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from media.models import Image
from newsroom import services
from newsroom.models import PressRelease
from tests.factories import (
    ImageFactory,
    OrganisationFactory,
    PersonFactory,
    PressReleaseFactory,
    TopicFactory,
)
from tests.wsgi_client import WsgiClient

pytestmark = pytest.mark.django_db

KINDS = ["draft", "scheduled", "embargoed", "unpublished", "published"]
MARKERS = {kind: f"{kind}markoer" for kind in KINDS}
HIDDEN = ["draft", "scheduled", "embargoed", "unpublished"]
FORMATS = ["rss", "atom", "json"]
SITEMAP_SECTIONS = ["pages", "releases", "people", "organisations", "topics"]


@pytest.fixture
def world(publisher):
    topic = TopicFactory(name="Fællesemne")
    person = PersonFactory(name="Fælles Person")
    organisation = OrganisationFactory(name="Fælles Organisation", short_name="FO")
    now = timezone.now()
    shared_photo = ImageFactory(caption="Fælles foto", alt_text="Fælles alt")
    releases, photos = {}, {}
    for kind in KINDS:
        marker = MARKERS[kind]
        photos[kind] = ImageFactory(
            title=f"Foto {marker}",
            caption=f"Billedtekst {marker}",
            alt_text=f"Alt {marker}",
            credit=f"Fotograf {marker}",
        )
        release = PressReleaseFactory(
            draft=True,
            title=f"Titel {marker}",
            lead=f"Indledning {marker}",
            body=f"<p>Brødtekst {marker} om samskabelse.</p>",
            people=[person],
            photos=[photos[kind], shared_photo],
        )
        release.topics.add(topic)
        release.organisations.add(organisation)
        release.byline = organisation
        release.save()
        releases[kind] = release
    hour = datetime.timedelta(hours=1)
    services.release_publish(release=releases["published"], user=publisher, publish_at=now - hour)
    services.release_publish(release=releases["scheduled"], user=publisher, publish_at=now + hour)
    services.release_publish(
        release=releases["embargoed"], user=publisher, publish_at=now + 2 * hour, embargo=True
    )
    services.release_publish(release=releases["unpublished"], user=publisher, publish_at=now - hour)
    services.release_unpublish(release=releases["unpublished"], user=publisher)
    return {
        "releases": releases,
        "photos": photos,
        "topic": topic,
        "person": person,
        "organisation": organisation,
        "now": now,
    }


def public_urls(world) -> list[str]:
    topic, person, organisation = world["topic"], world["person"], world["organisation"]
    now = timezone.localtime(world["now"])
    urls = [
        "/",
        f"/?emne={topic.slug}",
        f"/?organisation={organisation.slug}",
        f"/?aar={now.year}",
        "/?page=2",
        reverse("newsroom:archive"),
        f"/arkiv/{now.year}/",
        f"/arkiv/{now.year}/{now.month}/",
        topic.get_absolute_url(),
        person.get_absolute_url(),
        organisation.get_absolute_url(),
        reverse("newsroom:contacts"),
        reverse("newsroom:presskit"),
        reverse("newsroom:feeds"),
        "/sitemap.xml",
        *[f"/sitemap-{section}.xml" for section in SITEMAP_SECTIONS],
        "/robots.txt",
        reverse("newsroom:subscribe"),
    ]
    for format_name in FORMATS:
        urls.append(reverse("newsroom:feed", args=[format_name]))
        for scope, obj in (
            ("emner", topic),
            ("organisationer", organisation),
            ("personer", person),
        ):
            urls.append(reverse("newsroom:scoped-feed", args=[scope, obj.slug, format_name]))
    for release in world["releases"].values():
        urls += [
            release.get_absolute_url(),
            reverse("newsroom:release-presskit", args=[release.slug]),
        ]
    # The read-only API and oEmbed: the same visibility as the pages.
    urls += [
        "/api/v1/releases/",
        f"/api/v1/releases/?topic={topic.slug}",
        f"/api/v1/releases/?organisation={organisation.slug}",
        f"/api/v1/releases/?person={person.slug}",
        "/api/v1/people/",
        f"/api/v1/people/{person.slug}/",
        "/api/v1/organisations/",
        f"/api/v1/organisations/{organisation.slug}/",
        "/api/v1/topics/",
        f"/api/v1/topics/{topic.slug}/",
        "/api/v1/openapi.json",
    ]
    for release in world["releases"].values():
        urls += [
            f"/api/v1/releases/{release.slug}/",
            f"/oembed/?url=http://testserver{release.get_absolute_url()}",
        ]
    for word in [*MARKERS.values(), "samskabelse", "Titel", "Fælles"]:
        urls.append(f"{reverse('newsroom:search')}?q={word}")
    for photo in world["photos"].values():
        urls.append(reverse("newsroom:image-download", args=[photo.pk]))
    # Every public page exists in English under /en/ too: the same roads, another address.
    english = [f"/en{url}" for url in urls if not url.startswith(("/sitemap", "/api/", "/oembed/"))]
    return urls + english


def hidden_traces(world) -> dict[str, list[str]]:
    """What must never appear: markers, and every address of photos only hidden releases use."""
    traces = {}
    for kind in HIDDEN:
        photo = world["photos"][kind]
        addresses = [
            photo.file.url,
            photo.master.url,
            *[r.file.url for r in photo.renditions.all()],
            reverse("newsroom:image-download", args=[photo.pk]),
        ]
        traces[kind] = [MARKERS[kind], MARKERS[kind].capitalize(), *addresses]
    return traces


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("latin-1")
    try:
        return response.content.decode()
    except UnicodeDecodeError:  # a download, as the WSGI front hands it over
        return response.content.decode("latin-1")


def visitors(editor):
    anonymous = Client()
    staff = Client()
    staff.force_login(editor)
    return {
        "anonymous": anonymous,
        # Through the front that answers kept pages before Django runs, as gunicorn serves.
        "anonymous, through the WSGI front": WsgiClient(),
        "staff without publish rights": staff,
    }


def test_nothing_non_public_leaks_anywhere(world, editor):
    traces = hidden_traces(world)
    urls = public_urls(world)
    checked = 0
    for who, client in visitors(editor).items():
        for _round in ("first", "repeat"):
            for url in urls:
                response = client.get(url)
                assert response.status_code in (200, 301, 404, 410), (who, url)
                # The visitor's own address and query are echoed back (language switch, search
                # box): that is what they typed, not a leak. Everything else is checked.
                path = url.split("?")[0]
                # (the language switch links to the same address in the other language)
                content = body_of(response).replace(path, "").replace(path.removeprefix("/en"), "")
                for echoed in ("?q=", "?url="):
                    if echoed in url:
                        content = content.replace(url.split(echoed)[1], "")
                for kind, needles in traces.items():
                    for needle in needles:
                        assert needle not in content, f"{kind} leaked via {url} to {who}"
                checked += 1
    assert checked == 6 * len(urls)


def test_the_published_release_is_everywhere_it_should_be(world):
    client = Client()
    marker = MARKERS["published"]
    for url in [
        "/",
        world["topic"].get_absolute_url(),
        world["person"].get_absolute_url(),
        world["organisation"].get_absolute_url(),
        "/feeds/rss/",
        "/feeds/atom/",
        "/feeds/json/",
        f"/soeg/?q={marker}",
    ]:
        assert marker in client.get(url).content.decode(), url


def test_hidden_releases_answer_404_or_410_and_photos_have_random_names(world):
    client = Client()
    for kind in HIDDEN:
        expected = 410 if kind == "unpublished" else 404
        assert client.get(world["releases"][kind].get_absolute_url()).status_code == expected
        photo = world["photos"][kind]
        for name in [
            photo.file.name,
            photo.master.name,
            *[r.file.name for r in photo.renditions.all()],
        ]:
            assert "photo" not in name.rsplit("/", 1)[1]  # the uploader's file name is gone
            assert len(name.rsplit("/", 1)[1].split(".")[0]) == 32
        assert client.get(reverse("newsroom:image-download", args=[photo.pk])).status_code == 404


@pytest.mark.parametrize("visitor", ["django test client", "through the WSGI front"])
def test_scheduled_and_embargoed_go_public_everywhere_in_the_same_second(
    world, time_machine, visitor
):
    client = Client() if visitor == "django test client" else WsgiClient()
    scheduled, embargoed = world["releases"]["scheduled"], world["releases"]["embargoed"]
    time_machine.move_to(scheduled.publish_at - datetime.timedelta(seconds=1))
    assert MARKERS["scheduled"] not in client.get("/").content.decode()
    places = [
        "/",
        world["topic"].get_absolute_url(),
        world["person"].get_absolute_url(),
        world["organisation"].get_absolute_url(),
        "/feeds/rss/",
        "/feeds/atom/",
        "/feeds/json/",
        "/feeds/emner/faellesemne/rss/",
        "/sitemap-releases.xml",
        f"/soeg/?q={MARKERS['scheduled']}",
        scheduled.get_absolute_url(),
    ]
    time_machine.move_to(scheduled.publish_at)
    for url in places:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert MARKERS["scheduled"] in content or scheduled.slug in content, url
        assert MARKERS["embargoed"] not in content, url
    time_machine.move_to(embargoed.publish_at)
    for url in places[:-2]:
        content = client.get(url).content.decode()
        assert MARKERS["embargoed"] in content or embargoed.slug in content, url
    assert PressRelease.objects.published().count() == 3


def test_topics_people_and_organisations_of_an_unreleased_release_stay_hidden(world, editor):
    secret_topic = TopicFactory(name="Fusion med Hemmelig A/S")
    secret_person = PersonFactory(name="Hemmelig Direktør", bio="Bliver ny direktør i maj.")
    secret_org = OrganisationFactory(name="Hemmelig A/S", about="<p>Hemmelig boilerplate.</p>")
    embargoed = world["releases"]["embargoed"]
    embargoed.topics.add(secret_topic)
    embargoed.organisations.add(secret_org)
    from newsroom.models import ReleasePerson

    ReleasePerson.objects.create(release=embargoed, person=secret_person, order=5)
    for client in visitors(editor).values():
        for url in [
            "/",
            reverse("newsroom:subscribe"),
            reverse("newsroom:feeds"),
            *[f"/sitemap-{section}.xml" for section in SITEMAP_SECTIONS],
            "/soeg/?q=Hemmelig",
            "/soeg/?q=Fusion",
        ]:
            content = (
                client.get(url).content.decode().replace("q=Hemmelig", "").replace("q=Fusion", "")
            )
            content = content.replace('value="Hemmelig"', "").replace('value="Fusion"', "")
            content = content.replace("“Hemmelig”", "").replace("“Fusion”", "")
            content = content.replace("Søgning: Hemmelig", "").replace("Søgning: Fusion", "")
            for secret in (
                "Fusion med Hemmelig",
                "Hemmelig Direktør",
                "Hemmelig A/S",
                "Bliver ny direktør",
                "Hemmelig boilerplate",
            ):
                assert secret not in content, (url, secret)
        for obj in (secret_topic, secret_person, secret_org):
            assert client.get(obj.get_absolute_url()).status_code == 404
        assert client.get(f"/feeds/emner/{secret_topic.slug}/rss/").status_code == 404


def test_item1_an_organisation_reached_only_through_a_future_position_stays_hidden(world, editor):
    """Issue 8.1: a public person's position that has not started yet makes nothing public."""
    from people.models import Position

    secret_org = OrganisationFactory(name="Fremtidig Fond", about="<p>Fremtidig boilerplate.</p>")
    world["releases"]["embargoed"].organisations.add(secret_org)
    Position.objects.create(
        person=world["person"],
        organisation=secret_org,
        title="direktør",
        start=timezone.localdate() + datetime.timedelta(days=30),
    )
    urls = [
        secret_org.get_absolute_url(),
        *[f"/feeds/organisationer/{secret_org.slug}/{f}/" for f in FORMATS],
    ]
    for client in visitors(editor).values():
        for url in urls:
            assert client.get(url).status_code == 404, url
        for url in [
            "/sitemap-organisations.xml",
            "/soeg/?q=Fremtidig",
            world["person"].get_absolute_url(),
        ]:
            content = client.get(url).content.decode().replace("q=Fremtidig", "")
            content = content.replace('value="Fremtidig"', "").replace("“Fremtidig”", "")
            content = content.replace("Søgning: Fremtidig", "")
            assert "Fremtidig Fond" not in content, url
            assert secret_org.slug not in content, url


def test_item1_a_started_position_shown_on_a_public_person_page_makes_its_organisation_public(
    world,
):
    from people.models import Position

    org = OrganisationFactory(name="Tidligere Arbejdsgiver")
    Position.objects.create(
        person=world["person"],
        organisation=org,
        title="konsulent",
        start=datetime.date(2001, 1, 1),
        end=datetime.date(2005, 1, 1),
    )
    client = Client()
    assert (
        "Tidligere Arbejdsgiver" in client.get(world["person"].get_absolute_url()).content.decode()
    )
    assert client.get(org.get_absolute_url()).status_code == 200


def test_item5_an_embargo_preview_shows_no_other_unpublished_release_facts(world, publisher):
    """Issue 8.5: the "Om" boxes of a preview are as the public could read them today, so roles
    that start before the embargo lifts (and that other releases are yet to announce) stay out."""
    from people.models import Position

    embargoed = world["releases"]["embargoed"]
    secret_org = OrganisationFactory(name="Kommende Selskab")
    Position.objects.create(
        person=world["person"],
        organisation=secret_org,
        title="bestyrelsesformand",
        kind=Position.Kind.CHAIR,
        start=timezone.localdate() + datetime.timedelta(days=1),
    )
    # Rescheduled after the position was entered: the frozen record as of the embargoed date
    # holds the coming role, and the preview must still not show it.
    services.release_publish(
        release=embargoed,
        user=publisher,
        publish_at=timezone.now() + datetime.timedelta(days=3),
        embargo=True,
    )
    assert "Kommende Selskab" in str(embargoed.record)
    _link, url = services.preview_link_issue(
        release=embargoed, user=publisher, name="J", email="j@avis.dk", outlet="Avisen"
    )
    html = Client().get(url.removeprefix("http://testserver")).content.decode()
    assert MARKERS["embargoed"] in html
    assert "Om Fælles Person" in html
    assert "Kommende Selskab" not in html and "bestyrelsesformand" not in html
    for kind in ("draft", "scheduled", "unpublished"):
        assert MARKERS[kind] not in html


def test_item2_contacts_page_and_vcards_show_listed_contacts_and_only_public_names(world, editor):
    """Issue 8.2: a contact only an embargoed release uses is not listed; a listed contact
    names its organisation only once the public may see that organisation."""
    from media.models import MediaContact
    from newsroom.models import ReleaseContact

    secret_person = PersonFactory(name="Hemmelig Talsperson")
    secret_org = OrganisationFactory(name="Skjult Forening")
    unlisted = MediaContact.objects.create(
        person=secret_person,
        organisation=secret_org,
        title="talsperson",
        phone="+45 11 11 11 11",
        email="talsperson@skjult.dk",
    )
    ReleaseContact.objects.create(release=world["releases"]["embargoed"], contact=unlisted)
    listed = MediaContact.objects.create(
        name="Synlig Presse",
        organisation=secret_org,
        title="pressechef",
        phone="+45 22 22 22 22",
        email="presse@skjult.dk",
        is_listed=True,
    )
    for client in visitors(editor).values():
        page = client.get(reverse("newsroom:contacts")).content.decode()
        assert "Synlig Presse" in page
        for secret in ("Hemmelig Talsperson", "talsperson@skjult.dk", "Skjult Forening"):
            assert secret not in page
        assert client.get(reverse("newsroom:contact-vcard", args=[unlisted.pk])).status_code == 404
        card = client.get(reverse("newsroom:contact-vcard", args=[listed.pk])).content.decode()
        assert "FN:Synlig Presse" in card and "Skjult Forening" not in card
    # Once the organisation is public (a published release is about it), it is named.
    world["releases"]["published"].organisations.add(secret_org)
    assert "Skjult Forening" in Client().get(reverse("newsroom:contacts")).content.decode()


def test_item4_an_editor_cannot_change_media_the_public_sees_or_will_see(world, editor, publisher):
    """Issue 8.4: the media library is a road to public content too."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from media.models import Document
    from tests.factories import jpeg_bytes

    staff = Client()
    staff.force_login(editor)
    document = Document.objects.create(
        title="Rapport", file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    world["releases"]["published"].documents.add(document)

    def image_post(photo, caption):
        return {
            "file": SimpleUploadedFile("ny.jpg", jpeg_bytes(), content_type="image/jpeg"),
            "title": photo.title,
            "caption": caption,
            "alt_text": photo.alt_text,
            "credit": "Ny Fotograf",
            "usage_terms": photo.usage_terms,
        }

    for kind in ("published", "scheduled", "embargoed"):
        photo = world["photos"][kind]
        url = reverse("admin:media_image_change", args=[photo.pk])
        page = staff.get(url)
        assert page.status_code == 200  # read-only, with the reason
        assert "Publisher" in page.content.decode() or "udgiver" in page.content.decode().lower()
        assert staff.post(url, image_post(photo, "Ændret af redaktør")).status_code == 403
        photo.refresh_from_db()
        assert photo.caption != "Ændret af redaktør" and photo.credit != "Ny Fotograf"
        delete_url = reverse("admin:media_image_delete", args=[photo.pk])
        assert staff.post(delete_url, {"post": "yes"}).status_code == 403
    document_url = reverse("admin:media_document_change", args=[document.pk])
    assert staff.post(document_url, {"title": "Ændret"}).status_code == 403
    document.refresh_from_db()
    assert document.title == "Rapport"
    # A photo only a draft uses stays the Editor's to change.
    draft_photo = world["photos"]["draft"]
    url = reverse("admin:media_image_change", args=[draft_photo.pk])
    response = staff.post(url, image_post(draft_photo, "Kladdefoto rettet"))
    assert response.status_code == 302, response.content.decode()[:2000]
    draft_photo.refresh_from_db()
    assert draft_photo.caption == "Kladdefoto rettet"
    # A Publisher may change the published one.
    chief = Client()
    chief.force_login(publisher)
    photo = world["photos"]["published"]
    url = reverse("admin:media_image_change", args=[photo.pk])
    response = chief.post(url, image_post(photo, "Rettet af udgiver"))
    assert response.status_code == 302, response.content.decode()[:2000]
    photo.refresh_from_db()
    assert photo.caption == "Rettet af udgiver"


def test_item4_a_photo_inside_a_published_body_is_guarded_like_a_press_photo(editor, admin_user):
    """Found by hand: the guard looked at press photos only, so an Editor could change the
    credit of a photo shown inside a published release's body, live at once; and deleting it
    would leave the page with a broken image."""
    photo = ImageFactory(title="huset.png", alt_text="Huset", credit="Camilla Hey")
    src = photo.rendition(960).file.url
    release = PressReleaseFactory(
        title="Nyt hovedkontor",
        body=f'<p>Tekst.</p><figure class="image"><img src="{src}" alt="Huset"></figure>',
    )
    assert release.is_published and not release.images.exists()
    staff = Client()
    staff.force_login(editor)
    url = reverse("admin:media_image_change", args=[photo.pk])
    page = staff.get(url).content.decode()
    assert "Nyt hovedkontor" in page and "kun en udgiver" in page.lower()
    response = staff.post(
        url,
        {"title": photo.title, "caption": "", "alt_text": "Huset", "credit": "Ukendt fotograf"},
    )
    assert response.status_code == 403
    photo.refresh_from_db()
    assert photo.credit == "Camilla Hey"
    assert "Foto: Camilla Hey" in Client().get(release.get_absolute_url()).content.decode()

    # Whoever may delete photos (here an administrator) is refused, with the release named.
    chief = Client()
    chief.force_login(admin_user)
    delete_url = reverse("admin:media_image_delete", args=[photo.pk])
    page = chief.get(delete_url).content.decode()
    assert "Nyt hovedkontor" in page
    chief.post(delete_url, {"post": "yes"})
    assert Image.objects.filter(pk=photo.pk).exists()


def test_item1_an_undated_role_at_an_organisation_a_coming_release_announces_stays_hidden(
    world, editor, publisher, time_machine
):
    """Found by hand: many releases give no start date for a new role. An undated position of
    an already public person at a new organisation that only an embargoed release is about made
    the organisation public at once (page, about text, feeds, API, sitemap, search, contacts)
    and named it on the person's page."""
    from media.models import MediaContact
    from people.models import Position

    secret_org = OrganisationFactory(
        name="Fonden for Øget Trivsel", short_name="ØTFONDEN", about="<p>HEMMELIGFOND</p>"
    )
    embargoed = world["releases"]["embargoed"]
    embargoed.organisations.add(secret_org)
    person = world["person"]
    Position.objects.create(
        person=person, organisation=secret_org, title="bestyrelsesformand", kind="chair"
    )
    MediaContact.objects.create(
        name="Listet Kontakt", phone="+45 11 22 33 44", person=person, is_listed=True
    )
    urls = [
        secret_org.get_absolute_url(),
        f"/api/v1/organisations/{secret_org.slug}/",
        *[f"/feeds/organisationer/{secret_org.slug}/{f}/" for f in FORMATS],
    ]
    pages = [
        "/sitemap-organisations.xml",
        "/soeg/?q=Trivsel",
        "/api/v1/organisations/",
        "/pressekontakter/",
        person.get_absolute_url(),
        f"/api/v1/people/{person.slug}/",
        world["releases"]["published"].get_absolute_url(),
    ]

    def hidden_everywhere():
        for client in visitors(editor).values():
            for url in urls:
                assert client.get(url).status_code == 404, url
            for url in pages:
                response = client.get(url)
                assert response.status_code == 200, url
                content = response.content.decode().replace("Trivsel”", "")
                content = content.replace("q=Trivsel", "").replace('value="Trivsel"', "")
                content = content.replace("Søgning: Trivsel", "").replace("Trivsel</", "")
                for trace in ("Øget Trivsel", "ØTFONDEN", "HEMMELIGFOND", secret_org.slug):
                    assert trace not in content, (url, trace)

    hidden_everywhere()
    # Another release about the person published now freezes a box without the role.
    later = PressReleaseFactory(draft=True, title="Senere nyhed", people=[person])
    services.release_publish(release=later, user=publisher)
    pages.append(later.get_absolute_url())
    hidden_everywhere()
    # The embargoed release's own boxes, written live (its preview, a refresh), name the role
    # it announces.
    embargoed.refresh_from_db()
    assert "bestyrelsesformand" in str(embargoed.about_boxes_on(timezone.localdate()))

    # Once the release about it is public, so is the organisation and the role.
    time_machine.move_to(embargoed.publish_at + datetime.timedelta(seconds=1))
    client = Client()
    assert client.get(secret_org.get_absolute_url()).status_code == 200
    person_page = client.get(person.get_absolute_url()).content.decode()
    assert "bestyrelsesformand" in person_page and "ØTFONDEN" in person_page


def test_item2_a_listed_contact_named_after_a_person_not_yet_public_waits_for_them(
    world, editor, admin_client
):
    """Found by hand: a contact marked as listed but linked to a person whom only an embargoed
    release is about was on the contacts page and in its vCard, name, phone and e-mail."""
    from media.models import MediaContact

    newcomer = PersonFactory(name="Ingrid Ærenfeldt Hemmelig")
    world["releases"]["embargoed"].people.add(newcomer)
    response = admin_client.post(
        reverse("admin:media_mediacontact_add"),
        {
            "person": newcomer.pk,
            "name": "",
            "title": "direktør",
            "phone": "+45 33 33 33 33",
            "email": "ingrid@oetfonden.dk",
            "is_active": "on",
            "is_listed": "on",
        },
        follow=True,
    )
    contact = MediaContact.objects.get(email="ingrid@oetfonden.dk")
    assert "kontaktsiden viser først kontakten, når" in response.content.decode()
    for client in visitors(editor).values():
        page = client.get(reverse("newsroom:contacts")).content.decode()
        assert "Ærenfeldt" not in page and "oetfonden" not in page
        assert client.get(reverse("newsroom:contact-vcard", args=[contact.pk])).status_code == 404
    # Marked public (or a published release about her): listed.
    newcomer.is_public = True
    newcomer.save()
    contacts_page = Client().get(reverse("newsroom:contacts")).content.decode()
    assert "Ingrid Ærenfeldt Hemmelig" in contacts_page


def test_item1_a_withdrawn_embargo_keeps_its_new_organisation_back(world, publisher):
    """Review: "Træk tilbage" on an embargo before it ever went public must not make the new
    organisation it was to present public through a role added meanwhile."""
    from people.models import Position

    secret = OrganisationFactory(name="Hemmelig Fond", about="<p>HEMMELIGFOND</p>")
    embargoed = world["releases"]["embargoed"]
    embargoed.organisations.add(secret)
    Position.objects.create(person=world["person"], organisation=secret, title="formand")
    services.release_unpublish(release=embargoed, user=publisher)
    embargoed.refresh_from_db()
    assert not embargoed.was_public
    client = Client()
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert "Hemmelig Fond" not in client.get(world["person"].get_absolute_url()).content.decode()


def test_item1_a_draft_about_an_organisation_the_public_already_sees_changes_nothing(world):
    """Review: a draft naming an organisation that was already public (a former employer in a
    public bio) must not take its page down: that would change public pages for a draft and
    tell watchers a release about it is being written."""
    from organisations.models import Organisation
    from people.models import Position

    former = OrganisationFactory(name="Tidligere Arbejdsgiver")
    Position.objects.create(
        person=world["person"],
        organisation=former,
        title="konsulent",
        start=datetime.date(2010, 1, 1),
        end=datetime.date(2015, 1, 1),
    )
    client = Client()
    assert client.get(former.get_absolute_url()).status_code == 200
    draft = PressReleaseFactory(draft=True, title="Kladde om arbejdsgiveren")
    draft.organisations.add(former)
    draft.byline = former
    draft.save()
    assert not Organisation.objects.get(pk=former.pk).kept_back
    assert client.get(former.get_absolute_url()).status_code == 200
    assert (
        "Tidligere Arbejdsgiver" in client.get(world["person"].get_absolute_url()).content.decode()
    )


def test_item1_an_organisation_linked_through_the_admin_inline_is_kept_back(
    world, publisher_client
):
    """The admin saves the release's organisation rows one by one (not through .add())."""
    from newsroom.models import ReleaseOrganisation
    from organisations.models import Organisation

    new = OrganisationFactory(name="Helt Ny Forening")
    ReleaseOrganisation.objects.create(release=world["releases"]["scheduled"], organisation=new)
    assert Organisation.objects.get(pk=new.pk).kept_back


def test_item1_existing_organisations_named_only_by_coming_releases_are_kept_back(world):
    from importlib import import_module

    from django.apps import apps

    from organisations.models import Organisation
    from people.models import Position

    migration = import_module("newsroom.migrations.0019_keep_back_unannounced_organisations")
    coming_only = OrganisationFactory(name="Kun i kladde")
    world["releases"]["draft"].organisations.add(coming_only)
    in_a_bio = OrganisationFactory(name="I en biografi")
    world["releases"]["draft"].organisations.add(in_a_bio)
    Position.objects.create(person=world["person"], organisation=in_a_bio, title="rådgiver")
    Organisation.objects.update(kept_back=False)  # as before the migration
    migration.keep_back(apps, None)
    kept = set(Organisation.objects.filter(kept_back=True).values_list("name", flat=True))
    assert kept == {"Kun i kladde"}


def test_item4_a_photo_in_a_public_organisations_about_text_is_guarded(editor):
    """Review: the guard looked at release bodies only; a photo in an organisation's "Om" text
    (shown under every release about it) was the Editor's to change."""
    photo = ImageFactory(title="logo-foto.png", alt_text="Huset", credit="Camilla Hey")
    src = photo.rendition(960).file.url
    organisation = OrganisationFactory(
        name="Synlig Forening",
        about=f'<p>Om os.</p><figure class="image"><img src="{src}" alt="Huset"></figure>',
    )
    PressReleaseFactory().organisations.add(organisation)
    staff = Client()
    staff.force_login(editor)
    url = reverse("admin:media_image_change", args=[photo.pk])
    assert "Synlig Forening" in staff.get(url).content.decode()
    response = staff.post(
        url, {"title": photo.title, "caption": "", "alt_text": "Huset", "credit": "Ukendt"}
    )
    assert response.status_code == 403
    photo.refresh_from_db()
    assert photo.credit == "Camilla Hey"


def test_item1_an_organisation_form_never_lifts_the_mark_only_a_publishers_action_does(
    world, editor, publisher
):
    """Found by hand: a form opened before the embargoed release named the organisation sent
    the box unticked on save, and the organisation and the role went public days early; an
    Editor could untick it too."""
    from organisations.models import Organisation
    from people.models import Position

    editor_client, publisher_client = Client(), Client()
    editor_client.force_login(editor)
    publisher_client.force_login(publisher)
    new = OrganisationFactory(name="Lysfonden", about="<p>Om Lysfonden.</p>")
    world["releases"]["embargoed"].organisations.add(new)
    Position.objects.create(person=world["person"], organisation=new, title="rådgiver")
    change = reverse("admin:organisations_organisation_change", args=[new.pk])
    form = {
        "name": "Lysfonden",
        "short_name": "",
        "slug": new.slug,
        "kind": new.kind,
        "website": "",
        "about": "<p>Om Lysfonden. Stiftet 2026.</p>",
        "about_en": "",
    }
    for client in (editor_client, publisher_client):
        response = client.post(change, form)  # no kept_back in the post: as an old form
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Organisation.objects.get(pk=new.pk).kept_back
    assert Client().get(new.get_absolute_url()).status_code == 404

    changelist = reverse("admin:organisations_organisation_changelist")
    lift = {"action": "show_now", "_selected_action": [new.pk]}
    editor_client.post(changelist, lift)
    assert Organisation.objects.get(pk=new.pk).kept_back
    response = publisher_client.post(changelist, lift, follow=True)
    assert "Offentlig nu: Lysfonden" in response.content.decode()
    assert not Organisation.objects.get(pk=new.pk).kept_back
    assert Client().get(new.get_absolute_url()).status_code == 200


def test_item1_restoring_an_organisation_from_its_history_keeps_the_mark(world, publisher):
    from organisations.models import Organisation

    new = OrganisationFactory(name="Historisk Fond")
    old_version = new.history.first()  # from before the mark
    world["releases"]["embargoed"].organisations.add(new)
    assert Organisation.objects.get(pk=new.pk).kept_back
    restored = old_version.instance
    restored.about = "<p>Gendannet.</p>"
    restored.save()
    assert Organisation.objects.get(pk=new.pk).kept_back
