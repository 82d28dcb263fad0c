"""Issue 9, item 3: tables survive the sanitiser, Word's noise does not, and whatever a person
wrote that cleaning removes is said in the admin (text is never lost silently)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from common.richtext import removed_by_sanitiser, sanitize_html
from newsroom.models import PressRelease
from tests.factories import PressReleaseFactory
from tests.newsroom.test_publishing import INLINES

pytestmark = pytest.mark.django_db

CKEDITOR_TABLE = (
    '<figure class="table"><table><thead><tr><th>Region</th><th>Tilbud</th></tr></thead>'
    '<tbody><tr><th>Nord</th><td colspan="2">Celle A</td></tr>'
    '<tr><td rowspan="1">Celle B</td><td>Celle C</td></tr></tbody></table>'
    "<figcaption>Kilde: LOS</figcaption></figure>"
)
WORD_NOISE = (
    "<p class=MsoNormal style='mso-bidi-font-weight:bold'><span lang=DA "
    "style='mso-ansi-language:DA'>Tekst<o:p></o:p></span></p>"
    "<p class=MsoNormal><o:p>&nbsp;</o:p></p><p>&nbsp;</p><p> </p>"
)


def test_a_table_is_kept_with_its_cells_and_header_scopes():
    html = sanitize_html(CKEDITOR_TABLE)
    assert html == (
        '<figure class="table"><table><thead><tr><th scope="col">Region</th>'
        '<th scope="col">Tilbud</th></tr></thead><tbody><tr><th scope="row">Nord</th>'
        '<td colspan="2">Celle A</td></tr><tr><td rowspan="1">Celle B</td><td>Celle C</td>'
        "</tr></tbody></table><figcaption>Kilde: LOS</figcaption></figure>"
    )


def test_a_bare_table_gets_the_scroll_box_and_bad_attributes_go():
    html = sanitize_html(
        '<table style="width:900px" onclick="x()"><tr><th scope="evil" colspan="2;x">A</th>'
        '<td rowspan="-1" class="x">B</td></tr></table>'
    )
    assert html == (
        '<figure class="table"><table><tbody><tr><th scope="row">A</th><td>B</td></tr>'
        "</tbody></table></figure>"
    )


def test_on_the_page_the_scroll_box_is_reachable_by_keyboard():
    html = sanitize_html(CKEDITOR_TABLE, display=True)
    assert html.startswith('<figure class="table" tabindex="0"><table>')
    # Only for display: the stored HTML stays free of it.
    assert "tabindex" not in sanitize_html(CKEDITOR_TABLE)


def test_word_noise_is_dropped_and_the_text_kept():
    assert sanitize_html(WORD_NOISE) == "<p>Tekst</p>"
    assert not removed_by_sanitiser(WORD_NOISE)


def test_the_release_page_and_the_feed_show_the_table(client):
    release = PressReleaseFactory(title="Tabel", body=CKEDITOR_TABLE)
    page = client.get(release.get_absolute_url()).content.decode()
    assert '<figure class="table" tabindex="0"><table><thead>' in page
    assert '<th scope="col">Region</th>' in page and "<td>Celle C</td>" in page
    feed = client.get("/feeds/rss/").content.decode()
    assert '&lt;th scope="col"&gt;Region&lt;/th&gt;' in feed
    assert "&lt;td&gt;Celle C&lt;/td&gt;" in feed


def test_removal_report_names_elements_and_lost_text():
    removal = removed_by_sanitiser(
        '<p>m<sup>2</sup> og <u>vigtigt</u></p><p><img src="https://andet.example/x.png"></p>'
        "<hr><script>alert(1)</script>"
    )
    assert dict(removal.elements) == {"sup": 1, "u": 1, "img": 1, "hr": 1, "script": 1}
    assert removal.texts == []  # script content is not text anyone reads
    assert not removed_by_sanitiser(CKEDITOR_TABLE)


def add_data(**changes):
    data = {
        "title": "Formatering",
        "slug": "",
        "language": "da",
        "lead": "Indledning.",
        "body": "<p>Tekst.</p>",
        "byline": "",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
    }
    for prefix in INLINES:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_the_admin_says_what_cleaning_removed(staff_client):
    body = "<p>Areal: 40 m<sup>2</sup>, <u>understreget</u> og <s>overstreget</s>.</p>"
    response = staff_client.post(reverse("admin:newsroom_pressrelease_add"), add_data(body=body))
    assert response.status_code == 302
    messages = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert (
        "warning",
        "“Brødtekst” blev gemt uden det, de offentlige sider ikke kan vise: hævet skrift (1), "
        "understregning (1), gennemstregning (1). Selve teksten er bevaret; tjek at den "
        "stadig læses rigtigt.",
    ) in messages
    assert PressRelease.objects.get().body == ("<p>Areal: 40 m2, understreget og overstreget.</p>")


def test_the_admin_refuses_a_save_that_would_lose_text(staff_client, monkeypatch):
    # Nothing CKEditor writes loses words today; should the allow-list ever drop a tag with
    # its content, the form says which words instead of saving without them.
    monkeypatch.setattr(
        "common.richtext.INVISIBLE_TEXT_TAGS", {"style", "head", "title", "xml", "template"}
    )
    body = "<p>Synlig tekst</p><script>en hemmelig sætning</script>"
    response = staff_client.post(reverse("admin:newsroom_pressrelease_add"), add_data(body=body))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == [
        "Hvis du gemmer, forsvinder tekst, du har skrevet: “en hemmelig sætning”. Skriv den "
        "som almindelig tekst, eller slet den selv."
    ]
    assert not PressRelease.objects.exists()


def test_the_admin_asks_for_a_header_row_when_a_table_has_none(staff_client):
    body = (
        '<figure class="table"><table><tbody><tr><td><strong>Region</strong></td>'
        "<td><strong>Tilbud</strong></td></tr><tr><td>Nord</td><td>120</td></tr></tbody>"
        "</table></figure>"
    )
    response = staff_client.post(reverse("admin:newsroom_pressrelease_add"), add_data(body=body))
    assert response.status_code == 302
    messages = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert (
        "warning",
        "En tabel i “Brødtekst” har ingen overskriftsrække. Klik i tabellen, åbn “Række” i dens "
        "værktøjslinje og vælg “Headerrække”, så skærmlæsere kan sige, hvad hvert tal er.",
    ) in messages
    # The table itself is saved as written.
    assert "<td>120</td>" in PressRelease.objects.get().body


def test_a_table_with_a_header_row_needs_no_notice(staff_client):
    response = staff_client.post(
        reverse("admin:newsroom_pressrelease_add"), add_data(body=CKEDITOR_TABLE)
    )
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
