import pytest

from common.richtext import sanitize_html
from common.slugs import slugify_da
from tests.factories import OrganisationFactory, PressReleaseFactory

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<h2>Overskrift</h2><p onclick="steal()">Tekst <a href="javascript:alert(1)">klik</a>'
    ' <a href="https://los.dk/">LOS</a> <a href="tel:+4512345678">ring</a></p>'
    '<script>alert("x")</script><img src="x" onerror="alert(1)">'
    '<img src="/media/images/ok.jpg" alt="ok"><iframe src="https://evil.example"></iframe>'
    '<p style="color:red">stil</p>'
)


def test_release_body_is_stored_clean():
    release = PressReleaseFactory(body=HOSTILE)
    release.refresh_from_db()
    body = release.body
    assert "<script" not in body and 'alert("x")' not in body
    assert "onerror" not in body and "onclick" not in body
    assert "javascript:" not in body
    assert "<iframe" not in body and "style=" not in body
    assert '<img src="x"' not in body
    assert "<h2>Overskrift</h2>" in body
    assert 'href="https://los.dk/"' in body
    assert 'href="tel:+4512345678"' in body
    assert '<img src="/media/images/ok.jpg" alt="ok">' in body


def test_organisation_about_is_stored_clean():
    organisation = OrganisationFactory(about="<p>Om os</p><script>alert(1)</script>")
    organisation.refresh_from_db()
    assert organisation.about == "<p>Om os</p>"


def test_legacy_html_is_cleaned_again_when_shown(client):
    release = PressReleaseFactory()
    # Written around the model, as old data or a raw import might be.
    type(release).objects.filter(pk=release.pk).update(body="<p>Gammel</p><script>evil()</script>")
    html = client.get(release.get_absolute_url()).content.decode()
    assert "Gammel" in html
    assert "evil()" not in html


def test_absolute_urls_for_feeds():
    html = sanitize_html('<a href="/x/">x</a><img src="/media/a.jpg" alt="">', absolute_urls=True)
    assert 'href="http://testserver/x/"' in html
    assert 'src="http://testserver/media/a.jpg"' in html


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Ny direktør med fokus på samskabelse", "ny-direktoer-med-fokus-paa-samskabelse"),
        ("Susan Knage Møller", "susan-knage-moeller"),
        ("Æblegrød på Ærø", "aeblegroed-paa-aeroe"),
    ],
)
def test_danish_slugs(text, slug):
    assert slugify_da(text) == slug


def test_a_captioned_body_photo_is_stored_as_ckeditor_wrote_it():
    """CKEditor 5 reads <figure class="image"> as a photo with a caption; a figure without the
    class comes back as an inline image with its caption as loose text, and the next save
    stores that. What CKEditor writes must survive cleaning unchanged."""
    written = (
        '<figure class="image"><img src="/media/renditions/huset.jpg" alt="Huset">'
        "<figcaption>Det nye hus på Vestergade.</figcaption></figure>"
    )
    assert sanitize_html(written) == written
    assert sanitize_html(sanitize_html(written)) == written
    assert (
        sanitize_html(
            '<figure class="image foo" onclick="x()"><img src="/media/a.jpg" alt="a"></figure>'
        )
        == '<figure class="image"><img src="/media/a.jpg" alt="a"></figure>'
    )
    assert sanitize_html('<figure class="evil">x</figure>') == "<figure>x</figure>"


def test_photos_saved_without_the_class_get_it_back():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("newsroom.migrations.0017_body_photo_figures")
    release = PressReleaseFactory()
    bare = (
        '<p>Tekst.</p><figure><img src="/media/a.jpg" alt="a">'
        "<figcaption>Huset</figcaption></figure>"
    )
    type(release).objects.filter(pk=release.pk).update(body=bare)
    migration.restore_image_class(apps, None)
    release.refresh_from_db()
    assert release.body == bare.replace("<figure>", '<figure class="image">')


def test_image_attributes_are_stored_in_one_order():
    # CKEditor writes them in a different order each time it loads a body.
    one = sanitize_html('<img width="800" height="500" alt="Huset" src="/media/a.jpg">')
    other = sanitize_html('<img src="/media/a.jpg" alt="Huset" width="800" height="500">')
    assert one == other == '<img src="/media/a.jpg" alt="Huset" width="800" height="500">'
