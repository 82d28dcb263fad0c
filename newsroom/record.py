"""Plain-data forms of the "Om" boxes and the contact block.

The same dictionaries are rendered live (drafts, person pages) and stored in
PressRelease.record when a release is published, so what an old release said stays true.
"""

from django.utils.formats import date_format
from django.utils.translation import get_language


def position_data(position, day) -> dict:
    # In the language being written (the release's, or the page's): English where there is an
    # English title, else the Danish one, marked as Danish.
    title, title_lang = position.title_in(get_language())
    return {
        "title": title,
        "title_lang": title_lang,
        "organisation": position.organisation.label,
        "organisation_url": position.organisation.get_absolute_url(),
        "period": position.period_on(day),
        "note": position.note,
    }


def person_box(person, biography) -> dict:
    return {
        "kind": "person",
        "pk": person.pk,
        "name": person.name,
        "slug": person.slug,
        "url": person.get_absolute_url(),
        "as_of": date_format(biography.day, "Y-m-d"),
        "age": biography.age,
        "current_roles": [position_data(p, biography.day) for p in biography.current_roles],
        "board_seats": [position_data(p, biography.day) for p in biography.board_seats],
        "earlier_roles": [position_data(p, biography.day) for p in biography.earlier_roles],
        "bio": person.bio,
    }


def organisation_box(organisation) -> dict:
    about, about_lang = organisation.about_in(get_language())
    return {
        "kind": "organisation",
        "pk": organisation.pk,
        "name": organisation.display_name,
        "slug": organisation.slug,
        "url": organisation.get_absolute_url(),
        "about": about,
        "about_lang": about_lang,
    }


def contact_data(contact) -> dict:
    # The title in the language being written where there is one, else the Danish title.
    title, title_lang = contact.title_in(get_language())
    return {
        "pk": contact.pk,
        "name": contact.display_name,
        "title": title,
        "title_lang": title_lang,
        "organisation": contact.organisation.label if contact.organisation_id else "",
        "phone": contact.phone,
        "phone_uri": contact.phone_uri,
        "email": contact.email,
    }
