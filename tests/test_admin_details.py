"""Issue 11, the smaller things seen in the admin: a read-only body rendered, created-by in
Danish, a 403 page with a way on, and refusals logged without tracebacks."""

import io
import logging

import pytest
from django.urls import reverse
from django.utils import translation

from common.logging import RefusalsWithoutTraceback
from newsroom.models import PressRelease
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.django_db


def test_an_editor_reads_a_published_release_rendered_not_as_html_source(editor_client):
    release = PressReleaseFactory(
        body="<h2>Mellemrubrik</h2><p>Brødtekst med <strong>fed</strong>.</p>"
    )
    html = editor_client.get(
        reverse("admin:newsroom_pressrelease_change", args=[release.pk])
    ).content.decode()
    assert "<h2>Mellemrubrik</h2><p>Brødtekst med <strong>fed</strong>.</p>" in html
    assert "&lt;h2&gt;" not in html


def test_created_by_is_named_in_danish():
    with translation.override("da"):
        assert str(PressRelease._meta.get_field("created_by").verbose_name) == "oprettet af"


def test_a_refusal_gets_a_page_with_a_way_on_and_one_log_line(editor_client):
    console = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RefusalsWithoutTraceback) for f in handler.filters)
    )
    log = io.StringIO()
    previous = console.setStream(log)
    try:
        response = editor_client.get(reverse("admin:newsroom_previewlink_add"))
        missing = editor_client.get("/pressemeddelelser/findes-ikke/")
    finally:
        console.setStream(previous)
    assert response.status_code == 403 and missing.status_code == 404
    html = response.content.decode()
    assert "<h1>Ingen adgang</h1>" in html and 'href="/admin/"' in html
    written = log.getvalue()
    assert "Forbidden (Permission denied): /admin/newsroom/previewlink/add/" in written
    assert "Traceback" not in written


def test_person_and_organisation_histories_read_as_staff_read_them(admin_client):
    from organisations.models import Organisation
    from people.models import Person
    from tests.factories import OrganisationFactory, PersonFactory

    person = PersonFactory(name="Før Navn")
    person.name = "Efter Navn"
    person.save()
    organisation = OrganisationFactory(name="Gammel Forening")
    organisation.name = "Ny Forening"
    organisation.save()
    for model, obj in [(Person, person), (Organisation, organisation)]:
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[obj.pk]
        )
        page = admin_client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert "Ændringer" in html and "None" not in html, url
        assert "(CET)" in html or "(CEST)" in html, url  # the time with its zone
