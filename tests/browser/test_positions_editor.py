"""Issue 11, items 1 and 2, in Chromium: a person's positions typed with dates the way
biographies give them ("2017", "feb 2018", "1.2.2019"), every field of a position (the end and
the delete box too) in sight at 1280 and at 390 px without scrolling sideways, and a date that
cannot be read refused with its message beside the field."""

import datetime

import pytest
from django.contrib.auth.models import User

from people.models import Person
from tests.browser.test_richtext_paste import log_in
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390]
UNREADABLE = "Kan ikke læse datoen «32.1.2018». Skriv fx 2017, feb 2018 eller 1.2.2018."
# title, organisation, start, end, ended with date unknown
POSITIONS = [
    ("direktør", "LOS", "2017", "", False),
    ("souschef", "LOS", "2012", "feb 2018", False),
    ("bestyrelsesformand", "Frivilligrådet", "1.2.2019", "", False),
    ("formand", "Frivilligrådet", "maj 2020", "", False),
    ("konsulent", "Frivilligrådet", "", "", True),
]


@pytest.fixture
def superuser_login(publisher_login):
    # A superuser, so that a saved position has its delete box (the roles may not delete).
    base, username, password = publisher_login
    User.objects.filter(username=username).update(is_superuser=True)
    OrganisationFactory(name="Landsforeningen for Opholdssteder", short_name="LOS")
    OrganisationFactory(name="Frivilligrådet")
    return base, username, password


def fits_the_width(page, selector):
    """The element is inside the viewport's width, and nothing scrolls sideways or is cut off
    on the right: not the page, not a box in the positions (a name cut with "…" aside)."""
    width = page.viewport_size["width"]
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert 0 <= box["x"] and box["x"] + box["width"] <= width, (selector, box, width)
    overflowing = page.evaluate(
        """() => [document.documentElement,
                  ...document.querySelectorAll('#positions-group, #positions-group *')]
            .filter(element => element.scrollWidth > element.clientWidth)
            .filter(element => element === document.documentElement
                || (getComputedStyle(element).overflowX !== 'visible'
                    && getComputedStyle(element).textOverflow !== 'ellipsis'))
            .map(element => `${element.tagName}.${element.className}`
                + ` ${element.scrollWidth - element.clientWidth}px`)"""
    )
    assert overflowing == [], f"too wide at {width} px"


def choose_organisation(page, row, name):
    page.locator(f"#positions-{row} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(name)
    page.locator(".select2-results__option", has_text=name).first.click()


def test_five_positions_typed_with_partial_dates_fit_at_1280_and_390(browser, superuser_login):
    base, username, password = superuser_login
    context, page = log_in(
        browser, base, username, password, viewport={"width": 1280, "height": 900}
    )
    page.goto(f"{base}/admin/people/person/add/")
    page.fill("#id_name", "Karen Blixen")
    for row, (title, organisation, start, end, ended_undated) in enumerate(POSITIONS):
        if row:  # one empty position is there to start with
            page.locator("#positions-group .add-row a").click()
        page.fill(f"#id_positions-{row}-title", title)
        choose_organisation(page, row, organisation)
        page.fill(f"#id_positions-{row}-start", start)
        page.fill(f"#id_positions-{row}-end", end)
        if ended_undated:
            page.check(f"#id_positions-{row}-ended_undated")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for row in range(len(POSITIONS)):
            fits_the_width(page, f"#id_positions-{row}-end")
            fits_the_width(page, f"#id_positions-{row}-note")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("input[name=_continue]")
    page.wait_for_url(f"{base}/admin/people/person/*/change/*")
    assert page.locator(".errornote").count() == 0

    # Each date is shown back the way it was read; the order is the newest start first.
    person = Person.objects.get(name="Karen Blixen")
    shown = [
        (
            page.input_value(f"#id_positions-{row}-start"),
            page.input_value(f"#id_positions-{row}-end"),
        )
        for row in range(len(POSITIONS))
    ]
    assert shown == [
        ("maj 2020", ""),
        ("1.2.2019", ""),
        ("2017", ""),
        ("2012", "februar 2018"),
        ("", ""),
    ]
    stored = set(
        person.positions.values_list(
            "title", "start", "start_precision", "end", "end_precision", "ended_undated"
        )
    )
    date = datetime.date
    assert stored == {
        ("direktør", date(2017, 1, 1), "year", None, "day", False),
        ("souschef", date(2012, 1, 1), "year", date(2018, 2, 1), "month", False),
        ("bestyrelsesformand", date(2019, 2, 1), "day", None, "day", False),
        ("formand", date(2020, 5, 1), "month", None, "day", False),
        ("konsulent", None, "day", None, "day", True),
    }
    assert [p.period for p in person.positions.all()] == [
        "fra maj 2020",
        "fra 1. februar 2019",
        "fra 2017",
        "2012–februar 2018",
        "",
    ]

    # A saved position's end and delete box, and the one ended on an unknown date, in sight.
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for row in range(len(POSITIONS)):
            fits_the_width(page, f"#id_positions-{row}-end")
            fits_the_width(page, f"#id_positions-{row}-DELETE")
        fits_the_width(page, "#id_positions-4-ended_undated")
        assert page.is_checked("#id_positions-4-ended_undated")

    # Deleting one at phone width works from its delete box.
    page.check("#id_positions-4-DELETE")
    page.click("input[name=_continue]")
    page.wait_for_url(f"{base}/admin/people/person/*/change/*")
    assert sorted(person.positions.values_list("title", flat=True)) == [
        "bestyrelsesformand",
        "direktør",
        "formand",
        "souschef",
    ]
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_date_that_cannot_be_read_is_refused_beside_its_field(browser, superuser_login, width):
    base, username, password = superuser_login
    context, page = log_in(
        browser, base, username, password, viewport={"width": width, "height": 900}
    )
    page.goto(f"{base}/admin/people/person/add/")
    page.fill("#id_name", "Karen Blixen")
    page.fill("#id_positions-0-title", "direktør")
    choose_organisation(page, 0, "LOS")
    page.fill("#id_positions-0-start", "32.1.2018")
    page.fill("#id_positions-0-end", "2017-02-01")
    page.click("input[name=_save]")

    # In the start field's own box, above its input, and in sight.
    error = page.locator("#positions-0 .fieldBox.field-start .errorlist")
    error.wait_for()
    assert error.inner_text() == UNREADABLE
    fits_the_width(page, "#positions-0 .fieldBox.field-start .errorlist")
    field = page.locator("#id_positions-0-start").bounding_box()
    message = error.bounding_box()
    assert 0 <= field["y"] - (message["y"] + message["height"]) < 40
    # What was typed is kept to be corrected; the readable end is shown as it was read.
    assert page.input_value("#id_positions-0-start") == "32.1.2018"
    assert page.input_value("#id_positions-0-end") == "1.2.2017"
    assert page.locator("#positions-0 .errorlist").count() == 1
    assert not Person.objects.exists()

    page.fill("#id_positions-0-start", "1.2.2018")
    page.click("input[name=_save]")
    # The end is now before the start: said at the end.
    error = page.locator("#positions-0 .fieldBox.field-end .errorlist")
    error.wait_for()
    assert error.inner_text() == "Slutningen ligger før starten."
    fits_the_width(page, "#positions-0 .fieldBox.field-end .errorlist")

    page.fill("#id_positions-0-end", "2018")  # the same year as the start: allowed
    page.click("input[name=_save]")
    page.wait_for_url(f"{base}/admin/people/person/")
    position = Person.objects.get().positions.get()
    assert (position.start, position.start_precision) == (datetime.date(2018, 2, 1), "day")
    assert (position.end, position.end_precision) == (datetime.date(2018, 1, 1), "year")
    context.close()
