"""Issue 9, item 4: no release reaches the public with a body image that has no text
alternative, or a photo without its credit. The refusal names each image and where to fix it,
in the admin form, in services.release_publish and in the "Publish now" action."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from newsroom import services
from newsroom.checks import publication_problems
from newsroom.models import PressRelease, ReleaseImage
from tests.factories import ImageFactory, PressReleaseFactory
from tests.newsroom.test_publishing import INLINES

pytestmark = pytest.mark.django_db

# "Skift alternativ billedtekst" is the button's label in CKEditor's Danish interface.
NO_ALT = (
    "Billede 1 i brødteksten (“brødtekst.png”) har ingen alternativ tekst. Klik på billedet "
    "i editoren, vælg “Skift alternativ billedtekst” og beskriv, hvad det viser – eller "
    "skriv en enkelt bindestreg (-), hvis det kun er pynt."
)


@pytest.fixture
def editor_upload():
    """An image as the editor's upload leaves it: in the library, no alt text, no credit."""
    return ImageFactory(title="brødtekst.png", alt_text="", credit="")


def body_with(image, alt=None):
    src = image.rendition(960).file.url
    alt_attribute = "" if alt is None else f' alt="{alt}"'
    return f'<p>Tekst.</p><figure class="image"><img src="{src}"{alt_attribute}></figure>'


def test_a_body_image_without_text_alternative_or_credit_is_named(editor_upload):
    release = PressReleaseFactory(draft=True, body=body_with(editor_upload))
    problems = publication_problems(release)
    assert [str(problem) for problem in problems] == [
        NO_ALT,
        "Billede 1 i brødteksten (“brødtekst.png”) har ingen fotografkreditering.",
    ]
    assert problems[0].fix_url == ""  # fixed in the editor
    assert problems[1].fix_url == reverse("admin:media_image_change", args=[editor_upload.pk])


def test_alt_text_and_credit_make_it_publishable(editor_upload):
    editor_upload.credit = "Camilla Hey"
    editor_upload.save()
    release = PressReleaseFactory(draft=True, body=body_with(editor_upload, "Direktøren"))
    assert publication_problems(release) == []


def test_a_decorative_image_is_marked_with_a_hyphen_and_shown_with_empty_alt(client, editor_upload):
    editor_upload.credit = "Camilla Hey"
    editor_upload.save()
    release = PressReleaseFactory(body=body_with(editor_upload, "-"))
    assert publication_problems(release) == []
    page = client.get(release.get_absolute_url()).content.decode()
    assert f'<img src="{editor_upload.rendition(960).file.url}" alt="">' in page


def test_an_empty_alt_is_not_decorative(editor_upload):
    release = PressReleaseFactory(draft=True, body=body_with(editor_upload, ""))
    assert str(publication_problems(release)[0]) == NO_ALT


def test_a_press_photo_without_credit_is_named():
    photo = ImageFactory(title="Direktøren", credit="")
    release = PressReleaseFactory(draft=True)
    ReleaseImage.objects.create(release=release, image=photo)
    assert [str(problem) for problem in publication_problems(release)] == [
        "Pressefotoet “Direktøren” har ingen fotografkreditering."
    ]


def test_release_publish_refuses_and_leaves_the_release_a_draft(publisher, editor_upload):
    release = PressReleaseFactory(draft=True, body=body_with(editor_upload))
    with pytest.raises(ValidationError) as refusal:
        services.release_publish(release=release, user=publisher)
    assert NO_ALT in refusal.value.messages
    release.refresh_from_db()
    assert release.status == PressRelease.Status.DRAFT


@pytest.mark.parametrize("embargo", [False, True])
def test_scheduling_is_refused_too(publisher, editor_upload, embargo):
    release = PressReleaseFactory(draft=True, body=body_with(editor_upload))
    with pytest.raises(ValidationError):
        services.release_publish(
            release=release,
            user=publisher,
            publish_at=timezone.now() + datetime.timedelta(days=1),
            embargo=embargo,
        )


def form_data(release, **changes):
    data = {
        "title": release.title,
        "slug": release.slug,
        "language": release.language,
        "lead": release.lead,
        "body": release.body,
        "byline": "",
        "status": release.status,
        "publish_at_0": "",
        "publish_at_1": "",
        "edit_version": release.version,
    }
    for prefix in INLINES:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_the_admin_form_refuses_publishing_and_says_which_image(publisher_client, editor_upload):
    release = PressReleaseFactory(draft=True, body=body_with(editor_upload))
    url = reverse("admin:newsroom_pressrelease_change", args=[release.pk])
    response = publisher_client.post(url, form_data(release, status="published"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pressemeddelelsen kan ikke offentliggøres endnu:" in page
    assert "Skift alternativ billedtekst" in page
    change_image = reverse("admin:media_image_change", args=[editor_upload.pk])
    assert f'<a href="{change_image}" target="_blank">' in page
    release.refresh_from_db()
    assert release.status == PressRelease.Status.DRAFT


def test_the_admin_form_still_saves_a_draft(publisher_client, editor_upload):
    release = PressReleaseFactory(draft=True, body=body_with(editor_upload))
    url = reverse("admin:newsroom_pressrelease_change", args=[release.pk])
    response = publisher_client.post(url, form_data(release, lead="Ny indledning."))
    assert response.status_code == 302


def test_publish_now_action_refuses_and_names_the_release(publisher_client, editor_upload):
    bad = PressReleaseFactory(draft=True, title="Med billede", body=body_with(editor_upload))
    good = PressReleaseFactory(draft=True, title="Uden billede")
    response = publisher_client.post(
        reverse("admin:newsroom_pressrelease_changelist"),
        {"action": "publish_now", "_selected_action": [bad.pk, good.pk]},
    )
    assert response.status_code == 302
    messages = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    errors = [text for level, text in messages if level == "error"]
    assert len(errors) == 1 and errors[0].startswith("“Med billede”: ")
    assert "Skift alternativ billedtekst" in errors[0]
    assert ("info", "Offentliggjort: 1") in messages
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == PressRelease.Status.DRAFT
    assert good.status == PressRelease.Status.PUBLISHED


def test_publish_now_with_nothing_publishable_says_no_success(publisher_client, editor_upload):
    bad = PressReleaseFactory(draft=True, title="Med billede", body=body_with(editor_upload))
    response = publisher_client.post(
        reverse("admin:newsroom_pressrelease_changelist"),
        {"action": "publish_now", "_selected_action": [bad.pk]},
    )
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    assert levels == ["error"]


def test_a_body_photo_shows_its_credit_on_the_page_and_in_the_feed(client, editor_upload):
    editor_upload.credit = "Camilla Hey"
    editor_upload.save()
    release = PressReleaseFactory(body=body_with(editor_upload, "Direktøren ved skrivebordet"))
    page = client.get(release.get_absolute_url()).content.decode()
    src = editor_upload.rendition(960).file.url
    assert (
        f'<figure class="image"><img src="{src}" alt="Direktøren ved skrivebordet"><figcaption>'
        '<span class="credit">Foto: Camilla Hey</span></figcaption></figure>'
    ) in page
    feed = client.get("/feeds/rss/").content.decode()
    assert '&lt;span class="credit"&gt;Foto: Camilla Hey&lt;/span&gt;' in feed


def test_the_credit_can_be_added_on_the_images_page(staff_client, editor_upload):
    # The refusal links here; saving it must not need the file uploaded again.
    url = reverse("admin:media_image_change", args=[editor_upload.pk])
    response = staff_client.post(
        url,
        {
            "title": "brødtekst.png",
            "caption": "",
            "alt_text": "Direktøren",
            "credit": "Camilla Hey",
            "usage_terms": "Fri til redaktionel brug.",
        },
    )
    assert response.status_code == 302
    editor_upload.refresh_from_db()
    assert editor_upload.credit == "Camilla Hey"


def test_an_image_the_cleaning_removes_is_not_counted(editor_upload):
    editor_upload.credit = "Camilla Hey"
    editor_upload.save()
    body = '<p><img src="https://andet.example/x.png"></p>' + body_with(editor_upload, "Direktøren")
    release = PressReleaseFactory.build(status="draft")
    assert publication_problems(release, body=body) == []


def test_a_text_alternative_written_in_the_media_library_need_not_be_typed_again(editor_upload):
    """Found by hand: the alt text filled in on the photo's page was not used for the same
    photo in a body, and publishing was refused until it was typed again in the editor."""
    editor_upload.alt_text = "Direktøren ved skrivebordet"
    editor_upload.credit = "Camilla Hey"
    editor_upload.save()
    release = PressReleaseFactory(draft=True, body=body_with(editor_upload))
    assert publication_problems(release) == []
    release.refresh_from_db()
    assert 'alt="Direktøren ved skrivebordet"' in release.body
    # Typed in the editor (or marked decorative), it stays as typed.
    typed = PressReleaseFactory(draft=True, body=body_with(editor_upload, "Dorte ved bordet"))
    decorative = PressReleaseFactory(draft=True, body=body_with(editor_upload, "-"))
    assert 'alt="Dorte ved bordet"' in typed.body and 'alt="-"' in decorative.body
    assert "Direktøren ved skrivebordet" not in typed.body + decorative.body


def test_the_credit_can_be_added_without_typing_the_text_alternative_again(
    staff_client, editor_upload
):
    """Found by hand: the refusal sent the press officer to the image's page for the credit,
    and that page refused the save until the text alternative, already typed in the editor,
    was typed again. A press photo (linked to a release) still needs it there."""
    url = reverse("admin:media_image_change", args=[editor_upload.pk])
    data = {
        "title": "brødtekst.png",
        "caption": "",
        "alt_text": "",
        "credit": "Camilla Hey",
        "usage_terms": "Fri til redaktionel brug.",
    }
    assert staff_client.post(url, data).status_code == 302
    editor_upload.refresh_from_db()
    assert editor_upload.credit == "Camilla Hey"
    PressReleaseFactory(draft=True, photos=[editor_upload])
    response = staff_client.post(url, data)
    assert response.status_code == 200 and "Dette felt er påkrævet." in response.content.decode()


def test_a_refused_change_to_a_published_release_says_it_is_the_change(
    publisher_client, editor_upload
):
    from tests.newsroom.test_publishing import change_url, form_data

    release = PressReleaseFactory(title="Allerede ude")
    response = publisher_client.post(
        change_url(release), form_data(release, body=body_with(editor_upload, "Huset"))
    )
    page = response.content.decode()
    assert "Ændringen kan ikke gemmes, mens pressemeddelelsen er offentlig:" in page
    assert "kan ikke offentliggøres endnu" not in page
