"""Embargo preview links: issued per journalist, signed, expiring, revocable, logged."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsroom import services
from newsroom.models import PressRelease, PreviewLink
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def embargoed(publisher):
    release = PressReleaseFactory(draft=True, title="Embargo-nyhed", lead="Hemmelig indledning")
    lift = timezone.now() + datetime.timedelta(days=1)
    services.release_publish(release=release, user=publisher, publish_at=lift, embargo=True)
    return release


def issue(publisher, release, **kwargs):
    return services.preview_link_issue(
        release=release,
        user=publisher,
        name="Jens Journalist",
        email="jens@avis.dk",
        outlet="Avisen",
        **kwargs,
    )


def path_of(url):
    return url.removeprefix("http://testserver")


def test_preview_link_opens_the_release_marked_embargo_and_logs_it(publisher, embargoed):
    PressReleaseFactory(draft=True, title="Anden kladde")
    link, url = issue(publisher, embargoed)
    client = Client()
    assert client.get(embargoed.get_absolute_url()).status_code == 404
    response = client.get(path_of(url), HTTP_USER_AGENT="Avisens browser")
    assert response.status_code == 200
    html = response.content.decode()
    local = timezone.localtime(embargoed.publish_at)
    assert f"EMBARGO indtil {local.day}." in html
    assert re.search(r"EMBARGO indtil .* kl\. \d\d:\d\d \(CES?T\)", html)
    assert "Hemmelig indledning" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "Anden kladde" not in html and 'rel="next"' not in html
    assert '<link rel="canonical"' not in html
    [opening] = link.openings.all()
    assert opening.user_agent == "Avisens browser"


def test_tokens_are_unguessable_and_not_stored(publisher, embargoed):
    link, url = issue(publisher, embargoed)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 40
    assert token not in link.token_hash and len(link.token_hash) == 64
    assert Client().get("/embargo/" + token[:-1] + "x/").status_code == 404


def test_expired_and_revoked_links_answer_404(publisher, embargoed, time_machine):
    soon, soon_url = issue(
        publisher, embargoed, expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    revoked, revoked_url = issue(publisher, embargoed)
    other, other_url = issue(publisher, embargoed)
    services.preview_link_revoke(link=revoked, user=publisher)
    client = Client()
    assert client.get(path_of(revoked_url)).status_code == 404
    assert client.get(path_of(other_url)).status_code == 200  # one by one
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=2))
    response = client.get(path_of(soon_url))
    assert response.status_code == 404
    assert "Embargo-nyhed" not in response.content.decode()
    assert not revoked.openings.exists() and not soon.openings.exists()


def test_a_withdrawn_release_closes_its_preview_links(publisher, embargoed):
    link, url = issue(publisher, embargoed)
    services.release_unpublish(release=embargoed, user=publisher)
    assert Client().get(path_of(url)).status_code == 404


def test_embargoed_release_goes_public_at_its_second(publisher, embargoed, time_machine):
    client = Client()
    assert "Embargo-nyhed" not in client.get("/").content.decode()
    time_machine.move_to(embargoed.publish_at)
    assert "Embargo-nyhed" in client.get("/").content.decode()
    assert client.get(embargoed.get_absolute_url()).status_code == 200


def test_publisher_issues_and_revokes_links_in_the_admin(publisher_client, embargoed):
    add_url = reverse("admin:newsroom_previewlink_add")
    expires = timezone.localtime(embargoed.publish_at)
    response = publisher_client.post(
        add_url,
        {
            "release": embargoed.pk,
            "name": "Ida",
            "email": "ida@tv.dk",
            "outlet": "TV",
            "expires_at_0": expires.strftime("%d.%m.%Y"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
        follow=True,
    )
    html = response.content.decode()
    [url] = re.findall(r"http://testserver/embargo/[^/\s<\"]+/", html)
    assert Client().get(path_of(url)).status_code == 200
    link = PreviewLink.objects.get(name="Ida")
    publisher_client.post(
        reverse("admin:newsroom_previewlink_changelist"),
        {"action": "revoke", "_selected_action": [link.pk]},
    )
    assert Client().get(path_of(url)).status_code == 404


def test_editors_cannot_issue_preview_links(editor_client, editor, embargoed):
    assert editor_client.get(reverse("admin:newsroom_previewlink_add")).status_code == 403
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        issue(editor, embargoed)
    assert PressRelease.objects.get(pk=embargoed.pk).preview_links.count() == 0


def test_a_preview_link_lasts_until_the_release_goes_public_unless_told_otherwise(
    publisher_client, embargoed
):
    add = reverse("admin:newsroom_previewlink_add")
    release_page = publisher_client.get(
        reverse("admin:newsroom_pressrelease_change", args=[embargoed.pk])
    ).content.decode()
    assert f'href="{add}?release={embargoed.pk}"' in release_page
    form = publisher_client.get(f"{add}?release={embargoed.pk}").content.decode()
    lift = timezone.localtime(embargoed.publish_at)
    assert f'value="{lift:%d.%m.%Y}"' in form and f'value="{lift:%H:%M:%S}"' in form
    assert "virker linket, indtil pressemeddelelsen bliver offentlig" in form

    response = publisher_client.post(
        add,
        {
            "release": embargoed.pk,
            "name": "Jens Journalist",
            "email": "jens@avis.dk",
            "outlet": "Avisen",
            "expires_at_0": "",
            "expires_at_1": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    link = PreviewLink.objects.get(release=embargoed)
    assert link.expires_at == embargoed.publish_at


def test_a_link_until_publication_follows_the_embargo_and_then_leads_to_the_public_page(
    publisher, embargoed, time_machine
):
    """Found by hand: moving the embargo later left the link to die at the old time, unsaid;
    moving it earlier left the link showing "EMBARGO until ..." over a public release, and the
    dashboard still listed it as active."""
    from newsroom.dashboard import dashboard

    until_public, url = issue(publisher, embargoed)
    fixed, fixed_url = issue(
        publisher, embargoed, expires_at=timezone.now() + datetime.timedelta(hours=3)
    )
    later = embargoed.publish_at + datetime.timedelta(days=2)
    services.release_publish(release=embargoed, user=publisher, publish_at=later, embargo=True)
    until_public.refresh_from_db()
    fixed.refresh_from_db()
    assert until_public.expires_at == later  # followed the embargo
    assert fixed.expires_at < later  # a time the Publisher chose stays
    client = Client()
    time_machine.move_to(later - datetime.timedelta(hours=1))
    assert client.get(path_of(url)).status_code == 200  # the old lift has passed: still open
    assert until_public in dashboard()["previews"]

    time_machine.move_to(later + datetime.timedelta(seconds=1))
    response = client.get(path_of(url))
    assert response.status_code == 302
    assert response["Location"] == embargoed.get_absolute_url()
    assert until_public not in dashboard()["previews"]
    revoked, revoked_url = until_public, url
    services.preview_link_revoke(link=revoked, user=publisher)
    assert client.get(path_of(revoked_url)).status_code == 404  # a revoked link says nothing


def test_a_preview_offers_its_press_photos_and_documents_and_nothing_else(publisher, embargoed):
    """Found by hand: the preview showed the photo but no download and no documents, so a
    journalist could not prepare with the files the public page will offer."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from media.models import Document
    from tests.factories import ImageFactory

    photo = ImageFactory(title="Pressefoto", credit="Camilla Hey")
    embargoed.images.add(photo)
    document = Document.objects.create(
        title="Rapporten", file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    embargoed.documents.add(document)
    elsewhere = ImageFactory(title="Andet foto")
    PressReleaseFactory(draft=True, photos=[elsewhere])
    link, url = issue(publisher, embargoed)
    token = path_of(url).rstrip("/").rsplit("/", 1)[1]
    client = Client()
    html = client.get(path_of(url)).content.decode()
    photo_url = reverse("newsroom:embargo-image-download", args=[token, photo.pk])
    document_url = reverse("newsroom:embargo-document-download", args=[token, document.pk])
    assert f'href="{photo_url}"' in html and f'href="{document_url}"' in html
    for download in (photo_url, document_url):
        response = client.get(download)
        assert response.status_code == 200, download
        assert response["Content-Disposition"].startswith("attachment")
        assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    # Nothing that is not this release's, and nothing public before the lift.
    other = reverse("newsroom:embargo-image-download", args=[token, elsewhere.pk])
    assert client.get(other).status_code == 404
    assert client.get(reverse("newsroom:image-download", args=[photo.pk])).status_code == 404
    assert link.openings.count() == 4  # the preview, both downloads and the refused one
    services.preview_link_revoke(link=link, user=publisher)
    assert client.get(photo_url).status_code == 404
    assert client.get(document_url).status_code == 404


def test_back_to_draft_with_the_time_cleared_saves_and_keeps_the_links_ended(
    publisher_client, publisher, embargoed
):
    """Review: with a link issued until publication, pulling the release back to a draft and
    clearing its time crashed the save (500, the form lost)."""
    from tests.newsroom.test_publishing import change_url, form_data

    embargoed.refresh_from_db()
    issue(publisher, embargoed)
    data = form_data(embargoed, status="draft", publish_at_0="", publish_at_1="", lead="Ny tekst")
    response = publisher_client.post(change_url(embargoed), data)
    assert response.status_code == 302
    embargoed.refresh_from_db()
    assert embargoed.status == "draft" and embargoed.lead == "Ny tekst"


def test_a_link_that_ended_at_the_lift_stays_ended_when_the_release_is_embargoed_again(
    publisher, embargoed, time_machine
):
    link, url = issue(publisher, embargoed)
    time_machine.move_to(embargoed.publish_at + datetime.timedelta(days=3))
    embargoed.refresh_from_db()
    services.release_publish(
        release=embargoed,
        user=publisher,
        publish_at=timezone.now() + datetime.timedelta(days=5),
        embargo=True,
    )
    assert Client().get(path_of(url)).status_code == 404
