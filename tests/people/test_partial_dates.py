"""Issue 11, item 1: a position's start and end typed the way biographies give them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from people.dates import PartialDate, Precision, format_typed, normalise, parse_partial
from people.forms import PartialDateField, PositionForm
from people.models import Position
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory

YEAR, MONTH, DAY = Precision.YEAR, Precision.MONTH, Precision.DAY
FEB_2018 = datetime.date(2018, 2, 1)


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("2017", datetime.date(2017, 1, 1), YEAR),
        (" 2017 ", datetime.date(2017, 1, 1), YEAR),
        ("feb 2018", FEB_2018, MONTH),
        ("feb. 2018", FEB_2018, MONTH),
        ("Feb 2018", FEB_2018, MONTH),
        ("februar 2018", FEB_2018, MONTH),
        ("Februar  2018", FEB_2018, MONTH),
        ("February 2018", FEB_2018, MONTH),
        ("february, 2018", FEB_2018, MONTH),
        ("2.2018", FEB_2018, MONTH),
        ("02/2018", FEB_2018, MONTH),
        ("2018-02", FEB_2018, MONTH),
        ("1.2.2018", FEB_2018, DAY),
        ("01.02.2018", FEB_2018, DAY),
        ("1/2/2018", FEB_2018, DAY),
        ("2018-02-01", FEB_2018, DAY),
        ("1. februar 2018", FEB_2018, DAY),
        ("1 February 2018", FEB_2018, DAY),
        ("February 1, 2018", FEB_2018, DAY),
        ("29.2.2020", datetime.date(2020, 2, 29), DAY),
        ("31.12.1999", datetime.date(1999, 12, 31), DAY),
        ("\u00a0maj\u00a02020 ", datetime.date(2020, 5, 1), MONTH),  # pasted no-break spaces
    ],
)
def test_parse_reads_the_ways_biographies_write_dates(text, date, precision):
    assert parse_partial(text) == PartialDate(date, precision)


@pytest.mark.parametrize(
    ("danish", "english", "month"),
    [
        ("jan", "jan", 1),
        ("feb", "feb", 2),
        ("mar", "mar", 3),
        ("marts", "march", 3),
        ("apr", "apr", 4),
        ("maj", "may", 5),
        ("jun", "june", 6),
        ("jul", "july", 7),
        ("aug", "aug", 8),
        ("sep", "sept", 9),
        ("september", "sept.", 9),
        ("okt", "oct", 10),
        ("oktober", "october", 10),
        ("nov", "november", 11),
        ("dec", "december", 12),
    ],
)
def test_month_names_danish_and_english_full_and_short(danish, english, month):
    expected = PartialDate(datetime.date(2018, month, 1), MONTH)
    assert parse_partial(f"{danish} 2018") == expected
    assert parse_partial(f"{english} 2018") == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\t\n",
        "feb",
        "februar",
        "32.1.2018",
        "29.2.2019",  # not a leap year
        "2018-13-01",
        "2018-02-30",
        "13.2018",
        "0.2018",
        "1.2.18",  # a two-digit year is not guessed at
        "18",
        "20178",
        "0000",
        "foo 2018",
        "febr 2018",
        "2017-2018",
        "1.2.2018 kl. 12",
        "٢٠١٨",  # Arabic-Indic digits
    ],
)
def test_parse_refuses_what_it_cannot_read(text):
    with pytest.raises(ValueError):
        parse_partial(text)


def test_shown_back_in_the_form_it_is_typed_and_read_back_the_same():
    with translation.override("da"):
        assert format_typed(datetime.date(2017, 1, 1), YEAR) == "2017"
        assert format_typed(FEB_2018, MONTH) == "februar 2018"
        assert format_typed(FEB_2018, DAY) == "1.2.2018"
        assert format_typed(datetime.date(2020, 5, 1), MONTH) == "maj 2020"
    with translation.override("en"):
        assert format_typed(FEB_2018, MONTH) == "February 2018"
        assert format_typed(FEB_2018, DAY) == "1.2.2018"
    day = datetime.date(2018, 2, 17)
    for precision in Precision:
        for language in ("da", "en"):
            with translation.override(language):
                text = format_typed(day, precision)
            assert parse_partial(text) == (normalise(day, precision), precision)


def test_field_cleans_into_date_and_precision_and_says_what_it_cannot_read():
    field = PartialDateField()
    assert field.clean("feb 2018") == (FEB_2018, MONTH)
    assert field.clean("") is None
    assert field.clean("  ") is None
    with pytest.raises(ValidationError) as danish:
        field.clean("32.1.2018")
    with pytest.raises(ValidationError) as english:
        field.clean("feb")
    with translation.override("da"):
        assert danish.value.messages == [
            "Kan ikke læse datoen «32.1.2018». Skriv fx 2017, feb 2018 eller 1.2.2018."
        ]
    with translation.override("en"):
        assert english.value.messages == [
            "Cannot read the date “feb”. Write for example 2017, feb 2018 or 1.2.2018."
        ]


def position_data(**values):
    data = {
        "title": "direktør",
        "organisation": OrganisationFactory().pk,
        "kind": Position.Kind.EMPLOYMENT,
        "start": "",
        "end": "",
        "note": "",
    }
    data.update(values)
    return data


@pytest.mark.django_db
def test_form_infers_the_precision_and_stores_the_model_fields():
    person = PersonFactory()
    form = PositionForm(
        data=position_data(start="2017", end="februar 2018"), instance=Position(person=person)
    )
    assert form.is_valid(), form.errors
    position = form.save()
    position.refresh_from_db()
    assert (position.start, position.start_precision) == (datetime.date(2017, 1, 1), YEAR)
    assert (position.end, position.end_precision) == (FEB_2018, MONTH)
    assert position.end_last_day == datetime.date(2018, 2, 28)

    # Edited again, each date is shown as it is typed, and an unchanged form is unchanged.
    with translation.override("da"):
        again = PositionForm(instance=position)
        assert again.initial["start"] == PartialDate(datetime.date(2017, 1, 1), YEAR)
        assert again["start"].value() == "2017"
        assert 'value="februar 2018"' in str(again["end"])
        unchanged = PositionForm(
            data=position_data(
                start="2017",
                end="feb 2018",
                organisation=position.organisation.pk,
            ),
            instance=position,
        )
        assert unchanged.is_valid(), unchanged.errors
        assert unchanged.changed_data == []


@pytest.mark.django_db
def test_form_clears_a_date_with_its_precision():
    position = PositionFactory(start=FEB_2018, start_precision=MONTH)
    form = PositionForm(
        data=position_data(organisation=position.organisation.pk), instance=position
    )
    assert form.is_valid(), form.errors
    form.save()
    position.refresh_from_db()
    assert (position.start, position.start_precision) == (None, DAY)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2018", "1.3.2018"),  # ends within the year it started
        ("1.3.2018", "2018"),
        ("feb 2018", "1.2.2018"),
        ("15.2.2018", "feb 2018"),
        ("2018", "2018"),
        ("1.2.2018", "1.2.2018"),
    ],
)
def test_end_in_the_same_period_as_the_start_is_not_before_it(start, end):
    form = PositionForm(
        data=position_data(start=start, end=end), instance=Position(person=PersonFactory())
    )
    assert form.is_valid(), form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2018", "dec 2017"),
        ("feb 2018", "31.1.2018"),
        ("15.2.2018", "14.2.2018"),
        ("1.1.2018", "2017"),
    ],
)
def test_end_before_start_is_an_error_at_the_end(start, end):
    with translation.override("da"):
        form = PositionForm(
            data=position_data(start=start, end=end), instance=Position(person=PersonFactory())
        )
        assert not form.is_valid()
        assert form.errors == {"end": ["Slutningen ligger før starten."]}


@pytest.mark.django_db
def test_an_unreadable_date_is_an_error_at_its_field_only():
    position = PositionFactory(start=datetime.date(2020, 1, 1), start_precision=YEAR)
    with translation.override("da"):
        form = PositionForm(
            # The end would be before the stored start; the start typed is unreadable.
            data=position_data(
                start="32.1.2018", end="2019", organisation=position.organisation.pk
            ),
            instance=position,
        )
        assert not form.is_valid()
        assert form.errors == {
            "start": ["Kan ikke læse datoen «32.1.2018». Skriv fx 2017, feb 2018 eller 1.2.2018."]
        }
        # Typed text comes back as typed where unreadable, as understood where not.
        assert 'value="32.1.2018"' in str(form["start"])
        assert 'value="2019"' in str(form["end"])

        iso = PositionForm(data=position_data(start="2018-02-01", end="foo"), instance=Position())
        assert not iso.is_valid()
        assert 'value="1.2.2018"' in str(iso["start"])


@pytest.mark.django_db
def test_ended_with_date_unknown_still_works():
    person = PersonFactory()
    form = PositionForm(
        data=position_data(start="2010", ended_undated="on"), instance=Position(person=person)
    )
    assert form.is_valid(), form.errors
    position = form.save()
    assert position.ended_undated and position.end is None
    assert position.has_ended_by(datetime.date(2021, 1, 1))

    with translation.override("da"):
        both = PositionForm(
            data=position_data(end="2012", ended_undated="on"), instance=Position(person=person)
        )
        assert not both.is_valid()
        assert list(both.errors) == ["ended_undated"]


@pytest.mark.django_db
def test_admin_saves_positions_typed_as_partial_dates_and_shows_errors_at_the_field(
    staff_client,
):
    organisation = OrganisationFactory()

    def post(**positions):
        data = {
            "name": "Karen Blixen",
            "slug": "",
            "positions-TOTAL_FORMS": str(len(positions)),
            "positions-INITIAL_FORMS": "0",
            "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000",
        }
        for index, (start, end) in enumerate(positions.values()):
            data |= {
                f"positions-{index}-title": f"rolle {index}",
                f"positions-{index}-organisation": str(organisation.pk),
                f"positions-{index}-kind": Position.Kind.EMPLOYMENT,
                f"positions-{index}-start": start,
                f"positions-{index}-end": end,
            }
        return staff_client.post("/admin/people/person/add/", data)

    response = post(first=("2017", "feb 2018"), second=("feb", ""))
    assert response.status_code == 200
    html = response.content.decode()
    # In the start field's own box, beside its input, not only "please correct the error".
    box = html[html.index('fieldBox field-start">', html.index('id="positions-1"')) :]
    box = box[: box.index('name="positions-1-start"')]
    assert "Kan ikke læse datoen «feb». Skriv fx 2017, feb 2018 eller 1.2.2018." in box
    assert "css/admin-positions.css" in html

    response = post(first=("2017", "feb 2018"), second=("1.2.2019", ""))
    assert response.status_code == 302
    stored = list(
        Position.objects.order_by("title").values_list(
            "start", "start_precision", "end", "end_precision"
        )
    )
    assert stored == [
        (datetime.date(2017, 1, 1), YEAR, FEB_2018, MONTH),
        (datetime.date(2019, 2, 1), DAY, None, DAY),
    ]
