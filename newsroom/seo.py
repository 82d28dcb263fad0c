"""schema.org JSON-LD for releases, people and organisations (search engines, link previews)."""

from django.conf import settings
from django.utils import timezone

from common.urls import absolute_url


def organisation_data(organisation) -> dict:
    data = {
        "@type": "Organization",
        "name": organisation.name,
        "url": absolute_url(organisation.get_absolute_url()),
    }
    if organisation.short_name:
        data["alternateName"] = organisation.short_name
    if organisation.website:
        data["sameAs"] = [organisation.website]
    if organisation.logo:
        data["logo"] = absolute_url(organisation.logo.url)
    return data


def person_data(person, biography=None) -> dict:
    data = {"@type": "Person", "name": person.name, "url": absolute_url(person.get_absolute_url())}
    if biography and biography.current_roles:
        role = biography.current_roles[0]
        data["jobTitle"] = role.title
        data["worksFor"] = organisation_data(role.organisation)
    return data


def release_data(release) -> dict:
    publisher = (
        organisation_data(release.byline)
        if release.byline
        else {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL,
        }
    )
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": release.title[:110],
        "description": release.lead,
        "url": absolute_url(release.canonical_url),
        "mainEntityOfPage": absolute_url(release.get_absolute_url()),  # this page
        "datePublished": timezone.localtime(release.publish_at).isoformat(),
        "dateModified": timezone.localtime(max(release.publish_at, release.updated_at)).isoformat(),
        "inLanguage": release.language,
        "author": publisher,
        "publisher": publisher,
        "about": [
            {"@type": "Person", "name": box["name"], "url": absolute_url(box["url"])}
            for box in release.about_boxes
            if box["kind"] == "person"
        ],
        "keywords": [topic.name_in(release.language)[0] for topic in release.topics.all()],
    }
    quotes = [
        {
            "@type": "Quotation",
            "text": quote.text,
            "creator": {
                "@type": "Person",
                "name": quote.speaker_name,
                **({"jobTitle": quote.role} if quote.role else {}),
                **({"url": absolute_url(quote.person_url)} if quote.person_url else {}),
            },
        }
        for quote in release.ordered_quotes
    ]
    if quotes:
        data["hasPart"] = quotes
    image = release.lead_image
    if image:
        data["image"] = [absolute_url(image.public_url)]
    return data


def standalone(data: dict) -> dict:
    return {"@context": "https://schema.org", **data}
