"""The content checks (newsroom/content_checks.py): what a screen reader's user meets in a
release's text, shown on its form and after a save as warnings, never refusals (issue 23)."""

import pytest
from django.urls import reverse

from newsroom.content_checks import (
    LEAD_PARAGRAPH_WORDS,
    body_warnings,
    content_checks_html,
    lead_warnings,
    release_warnings,
)
from tests.factories import PressReleaseFactory
from tests.newsroom.test_publication_checks import form_data


def codes(warnings):
    return [(warning.code, warning.block) for warning in warnings]


def test_a_well_built_body_has_no_warnings():
    body = (
        "<p>Indledning.</p><h2>Baggrund</h2><p>Tekst.</p><h3>Tal</h3>"
        '<figure class="table"><table><thead><tr><th>År</th><th>Antal</th></tr></thead>'
        "<tbody><tr><td>2021</td><td>3</td></tr></tbody></table></figure>"
        '<h2>Mere</h2><p>Se <a href="https://los.dk/rapport">rapporten om samskabelse</a>.</p>'
        "<ul><li>Et punkt</li></ul>"
    )
    assert body_warnings(body) == []


def test_a_skipped_heading_level_is_named_with_its_block():
    body = "<p>Ind.</p><h3>Første overskrift</h3><p>x</p><h2>To</h2><h4>Fire</h4>"
    assert codes(body_warnings(body)) == [("skipped_heading", 1), ("skipped_heading", 4)]
    first = body_warnings(body)[0].message
    assert "Første overskrift" in first and "3" in first


def test_an_empty_heading():
    assert codes(body_warnings("<h2>Titel</h2><h2> </h2><p>x</p>")) == [("empty_heading", 1)]


@pytest.mark.parametrize("text", ["klik her", "Læs mere", "Click here!", "read more", "Her"])
def test_a_link_that_says_nothing_on_its_own(text):
    body = f'<p>Ind.</p><p>Rapporten: <a href="https://los.dk/r">{text}</a></p>'
    assert codes(body_warnings(body)) == [("vague_link", 1)]


def test_a_link_without_text():
    warnings = body_warnings('<p><a href="https://los.dk/"> </a>Tekst</p>')
    assert codes(warnings) == [("empty_link", 0)]
    assert "https://los.dk/" in warnings[0].message


def test_a_table_without_a_header_row():
    body = "<p>x</p><table><tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
    assert codes(body_warnings(body)) == [("table_without_header", 1)]


def test_a_long_lead_paragraph():
    long_lead = " ".join(["ord"] * (LEAD_PARAGRAPH_WORDS + 1))
    assert [w.code for w in lead_warnings(long_lead)] == ["long_lead"]
    assert lead_warnings(" ".join(["ord"] * LEAD_PARAGRAPH_WORDS)) == []
    assert lead_warnings("Kort.\n\n" + long_lead)[0].block is None


def test_warnings_come_in_reading_order_lead_first():
    class Release:
        lead = " ".join(["ord"] * 100)
        body = '<h3>Skævt</h3><p><a href="/x">læs mere</a></p><table><tr><td>1</td></tr></table>'

    assert [w.code for w in release_warnings(Release())] == [
        "long_lead",
        "skipped_heading",
        "vague_link",
        "table_without_header",
    ]


def test_the_html_links_each_warning_to_its_place():
    html = str(content_checks_html(body_warnings('<p>a</p><p><a href="/x">klik her</a></p>')))
    assert 'href="#id_body" data-body-block="1"' in html
    html = str(content_checks_html(lead_warnings(" ".join(["ord"] * 100))))
    assert 'href="#id_lead"' in html
    assert "<ul" not in str(content_checks_html([]))


def test_the_release_form_shows_the_warnings_and_the_save_says_so(staff_client):
    release = PressReleaseFactory(
        draft=True,
        body='<p>Tekst.</p><h3>Skævt</h3><p><a href="https://los.dk/">klik her</a></p>',
    )
    url = reverse("admin:newsroom_pressrelease_change", args=[release.pk])
    html = staff_client.get(url).content.decode()
    assert "Tilgængelighed" in html
    assert 'data-body-block="1"' in html and 'data-body-block="2"' in html
    # A warning, not a refusal: the release is saved.
    response = staff_client.post(url, form_data(release, lead="Ny indledning."), follow=True)
    assert response.redirect_chain and response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert any("klik her" in message and "skærmlæser" in message for message in messages), messages
    release.refresh_from_db()
    assert release.lead == "Ny indledning."
