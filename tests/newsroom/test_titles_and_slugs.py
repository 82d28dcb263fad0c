"""Issue 9, items 5-7: long and multi-line titles, one Danish slug rule, repeated titles.

What a press officer saves either reaches the public or is refused with a message that says
why: a headline is never cut, and a second release with the same title gets its own address.
"""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.slugs import slugify_da, unique_slug
from newsroom.models import PressRelease, Topic
from organisations.models import Organisation
from people.models import Person
from tests.factories import PressReleaseFactory, TopicFactory
from tests.newsroom.test_publishing import INLINES

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:newsroom_pressrelease_add")
# A long Danish headline, cut here to 300 characters exactly.
LONG_TITLE = (
    "Regeringen, KL og Danske Regioner er enige om en ny model for samskabelse på det sociale "
    "område, hvor private, frivillige og offentlige tilbud i fællesskab skal løfte indsatsen "
    "for udsatte børn og unge, og hvor Landsorganisationen for sociale tilbud får en central "
    "rolle i udviklingen af alle tilbud!"
)


def add_data(**changes):
    data = {
        "title": "Ny aftale",
        "slug": "",
        "language": "da",
        "lead": "En indledning.",
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


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# 5. Titles: the limit is shown, exceeding it is an error, and a title is one line --------


def test_a_300_character_danish_headline_is_saved_whole(staff_client):
    assert len(LONG_TITLE) == 300
    prefilled = slugify_da(LONG_TITLE)[:300].strip("-")  # as the browser fills it
    response = staff_client.post(ADD_URL, add_data(title=LONG_TITLE, slug=prefilled))
    assert response.status_code == 302, response.context["adminform"].form.errors
    release = PressRelease.objects.get()
    assert release.title == LONG_TITLE
    assert release.slug == slugify_da(LONG_TITLE)[:300].strip("-")


def test_a_too_long_title_is_an_error_never_a_silent_cut(staff_client):
    title = LONG_TITLE + " i hele landet"
    response = staff_client.post(ADD_URL, add_data(title=title))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["title"]
    assert any("300" in error and str(len(title)) in error for error in errors), errors
    assert not PressRelease.objects.exists()


def test_the_title_input_shows_a_counter_instead_of_cutting(staff_client):
    page = staff_client.get(ADD_URL).content.decode()
    title_input = next(tag for tag in page.split("<input") if 'name="title"' in tag)
    assert "maxlength" not in title_input
    assert 'data-charcount-limit="300"' in title_input
    assert 'data-charcount-text="%(count)s af %(limit)s tegn"' in title_input
    assert "/static/js/admin-charcount.js" in page


@pytest.mark.parametrize("breaking", ["\n", "\r\n", "\r", "\u2028"])
def test_a_title_with_a_line_break_is_refused_by_the_model(breaking):
    release = PressReleaseFactory.build(title=f"Første linje{breaking}anden linje")
    with pytest.raises(ValidationError) as error:
        release.full_clean()
    assert error.value.message_dict["title"] == ["Titlen skal være én linje. Fjern linjeskiftet."]


def test_a_title_with_a_line_break_is_refused_in_the_admin(staff_client):
    # A textarea or an API could send one; the text input would keep it invisible.
    response = staff_client.post(ADD_URL, add_data(title="Første linje\nanden linje"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"] == [
        "Titlen skal være én linje. Fjern linjeskiftet."
    ]


# 6. One Danish slug rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Øresund", "oeresund"),
        ("Ny aftale på plads", "ny-aftale-paa-plads"),
        ("ÆBLER og Åer", "aebler-og-aaer"),
        ("Mødet i Ærø – Æ, Ø, Å", "moedet-i-aeroe-ae-oe-aa"),
        ("Café & kultur", "cafe-kultur"),
    ],
)
def test_server_slug_transliterates_danish_letters(text, slug):
    assert slugify_da(text) == slug


def test_the_admin_loads_the_danish_slug_rule_after_djangos_urlify(staff_client):
    for url in (
        ADD_URL,
        reverse("admin:newsroom_topic_add"),
        reverse("admin:people_person_add"),
        reverse("admin:organisations_organisation_add"),
    ):
        page = staff_client.get(url).content.decode()
        assert page.index("/static/admin/js/urlify.js") < page.index("/static/js/admin-slugs.js")


# 7. A repeated title gets a free address ---------------------------------------------------


def test_a_second_release_with_the_same_title_gets_a_free_address(staff_client):
    first = PressReleaseFactory(title="Ny direktør på Øresund", draft=True)
    assert first.slug == "ny-direktoer-paa-oeresund"
    # The browser prefilled the slug from the title, exactly as the server would make it.
    response = staff_client.post(
        ADD_URL, add_data(title="Ny direktør på Øresund", slug="ny-direktoer-paa-oeresund")
    )
    assert response.status_code == 302
    second = PressRelease.objects.exclude(pk=first.pk).get()
    assert second.slug == "ny-direktoer-paa-oeresund-2"
    assert (
        "Adressen “ny-direktoer-paa-oeresund” var allerede brugt af “Ny direktør på Øresund”, "
        "så denne fik adressen “ny-direktoer-paa-oeresund-2”."
    ) in messages_of(response)


def test_a_third_release_with_the_same_title_gets_the_next_number(staff_client):
    PressReleaseFactory(title="Samme titel", draft=True)
    PressReleaseFactory(title="Samme titel", draft=True)
    response = staff_client.post(ADD_URL, add_data(title="Samme titel", slug="samme-titel"))
    assert response.status_code == 302
    assert set(PressRelease.objects.values_list("slug", flat=True)) == {
        "samme-titel",
        "samme-titel-2",
        "samme-titel-3",
    }


def test_a_hand_typed_slug_that_is_taken_is_a_clear_error(staff_client):
    PressReleaseFactory(title="Årsberetning 2025", slug="aarsberetning", draft=True)
    response = staff_client.post(ADD_URL, add_data(title="Noget helt andet", slug="aarsberetning"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "Adressen “aarsberetning” bruges allerede af “Årsberetning 2025”. Vælg en anden, "
        "eller tøm feltet for at få lavet en ledig."
    ]
    assert PressRelease.objects.count() == 1


def test_editing_a_release_keeps_its_own_address(staff_client):
    release = PressReleaseFactory(title="Samme titel", draft=True)
    PressReleaseFactory(title="Samme titel", draft=True)  # samme-titel-2
    data = add_data(title="Samme titel", slug=release.slug, edit_version=release.version)
    url = reverse("admin:newsroom_pressrelease_change", args=[release.pk])
    response = staff_client.post(url, data)
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.slug == "samme-titel"


@pytest.mark.parametrize(
    ("url_name", "data", "existing"),
    [
        ("admin:newsroom_topic_add", {"name": "Ældrepleje", "slug": "aeldrepleje"}, "topic"),
        (
            "admin:people_person_add",
            {"name": "Søren Ågård", "slug": "soeren-aagaard"},
            "person",
        ),
        (
            "admin:organisations_organisation_add",
            {"name": "Landsorganisationen", "short_name": "LØS", "slug": "loes"},
            "organisation",
        ),
    ],
)
def test_topics_people_and_organisations_get_a_free_address_too(
    staff_client, url_name, data, existing
):
    model = {"topic": Topic, "person": Person, "organisation": Organisation}[existing]
    if existing == "topic":
        # Topic names are unique; a different name can still make the same slug.
        TopicFactory(name="ÆLDREPLEJE")
    elif existing == "person":
        Person.objects.create(name="Søren Ågård")
    else:
        Organisation.objects.create(name="Noget andet", short_name="LØS")
    page = staff_client.get(reverse(url_name))
    form = page.context["adminform"].form
    post = {**management_data(page), **initial_data(form), **data}
    response = staff_client.post(reverse(url_name), post)
    assert response.status_code == 302, response.context["adminform"].form.errors
    slugs = sorted(model.objects.values_list("slug", flat=True))
    assert slugs == [data["slug"], data["slug"] + "-2"]
    assert any("fik adressen" in message for message in messages_of(response))


def initial_data(form):
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            value = ""
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    return data


def management_data(response):
    data = {}
    for formset in response.context.get("inline_admin_formsets", []):
        prefix = formset.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


def test_unique_slug_stays_within_the_field_length():
    long_title = "Ø" * 300  # a full title; its slug ("oe" each) is twice as long
    PressReleaseFactory(title=long_title, draft=True)
    slug = unique_slug(PressRelease, long_title)
    assert len(slug) <= 300
    assert slug.endswith("-2")


def test_a_new_release_does_not_take_an_earlier_address_of_another(staff_client, client):
    # "Ny aftale" was published, then renamed: its old address redirects to it.
    old = PressReleaseFactory(title="Ny aftale")
    old.title, old.slug = "Ny aftale om samskabelse", "ny-aftale-om-samskabelse"
    old.save()
    assert client.get("/pressemeddelelser/ny-aftale/").status_code == 301
    response = staff_client.post(ADD_URL, add_data(title="Ny aftale", slug="ny-aftale"))
    assert response.status_code == 302
    new = PressRelease.objects.exclude(pk=old.pk).get()
    assert new.slug == "ny-aftale-2"
    assert any("ny-aftale-2" in message for message in messages_of(response))
    # Left empty, the slug is made past the earlier address as well.
    response = staff_client.post(ADD_URL, add_data(title="Ny aftale", slug=""))
    assert response.status_code == 302
    assert PressRelease.objects.filter(slug="ny-aftale-3").exists()
    redirect = client.get("/pressemeddelelser/ny-aftale/")
    assert redirect.status_code == 301 and redirect["Location"].endswith(old.slug + "/")
