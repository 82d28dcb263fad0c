"""Publishing operations. Each checks the user's right itself: the admin's buttons are not
the only guard."""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.generation import content_changed
from common.replica import quietly
from common.urls import absolute_url
from newsroom.checks import publication_problems
from newsroom.models import Correction, PressRelease, PreviewLink, PreviewOpening

PUBLISH_PERMISSION = "newsroom.publish_pressrelease"


def can_publish(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def _require_publisher(user):
    if not can_publish(user):
        raise PermissionDenied("Only a Publisher may do this.")


def refuse_unless_publishable(release: PressRelease):
    """ValidationError naming each image that lacks its text alternative or credit."""
    problems = publication_problems(release)
    if problems:
        raise ValidationError([problem.message for problem in problems], code="unpublishable")


def past_embargo_message() -> str:
    return _(
        "That time has passed: a scheduled or embargoed release needs a time in the future. "
        "Choose “Published” to publish it now, or with an earlier date."
    )


def future_publication_message() -> str:
    return _(
        "That time is in the future: choose “Scheduled” (or “Under embargo”) to publish it "
        "then, or a time that has passed to publish it now."
    )


@transaction.atomic
def release_publish(
    *,
    release: PressRelease,
    user,
    publish_at: datetime.datetime | None = None,
    embargo: bool = False,
) -> PressRelease:
    """Publish now, or schedule (optionally under embargo) for a later second.

    Without a time, a release the public has seen comes back at its original publish time
    (a withdrawal undone, not a new release); others keep their set time or go out now.
    """
    _require_publisher(user)
    refuse_unless_publishable(release)
    now = timezone.now()
    publish_at = publish_at or release.publish_at or now
    if embargo and publish_at <= now:
        # An embargo that has already lifted would publish at once, deep in the archive.
        raise ValidationError(past_embargo_message(), code="past_embargo")
    if publish_at <= now and not embargo:
        status = PressRelease.Status.PUBLISHED
    else:
        status = PressRelease.Status.EMBARGOED if embargo else PressRelease.Status.SCHEDULED
    release.status = status
    release.publish_at = publish_at
    # A new date rewrites the record as of that date; otherwise what was frozen stays.
    release.update_record()
    release.save()
    return release


@transaction.atomic
def release_unpublish(*, release: PressRelease, user) -> PressRelease:
    """Withdraw a release: its URL answers 410 Gone and it leaves every list and feed."""
    _require_publisher(user)
    release.status = PressRelease.Status.UNPUBLISHED
    release.save()
    return release


@transaction.atomic
def release_correct(*, release: PressRelease, user, note: str) -> Correction:
    """Record a public correction. The release's updated time moves (feeds show it); the GUID
    stays."""
    _require_publisher(user)
    correction = Correction.objects.create(release=release, note=note.strip(), created_by=user)
    PressRelease.objects.filter(pk=release.pk).update(
        updated_at=timezone.now(), version=F("version") + 1
    )
    content_changed()
    return correction


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def preview_link_issue(
    *,
    release: PressRelease,
    user,
    name: str,
    email: str,
    outlet: str,
    expires_at: datetime.datetime | None = None,
) -> tuple[PreviewLink, str]:
    """Returns the link and its URL. The token is shown once and never stored."""
    _require_publisher(user)
    if release.status not in (PressRelease.Status.EMBARGOED, PressRelease.Status.SCHEDULED):
        raise PermissionDenied("Preview links are for scheduled or embargoed releases.")
    token = secrets.token_urlsafe(32)
    link = PreviewLink.objects.create(
        release=release,
        name=name,
        email=email,
        outlet=outlet,
        token_hash=_hash(token),
        expires_at=expires_at or release.publish_at,
        created_by=user,
    )
    return link, absolute_url(reverse("newsroom:embargo-preview", args=[token]))


def preview_link_revoke(*, link: PreviewLink, user) -> None:
    _require_publisher(user)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


def preview_link_after_lift(*, token: str) -> PressRelease | None:
    """The release a link (not revoked) was for, once the public can read it: the link then
    leads there instead of to a preview that still says "embargo"."""
    link = (
        PreviewLink.objects.filter(token_hash=_hash(token), revoked_at__isnull=True)
        .select_related("release")
        .first()
    )
    if link is not None and link.release.is_published:
        return link.release
    return None


def preview_link_open(*, token: str, request) -> PreviewLink | None:
    """The usable link for a token, with this opening logged; None reveals nothing."""
    link = (
        PreviewLink.objects.usable()
        .select_related("release")
        .filter(token_hash=_hash(token))
        .first()
    )
    if link is None:
        return None
    # Logged by the way: with the primary database down (a replica answering), the preview
    # is shown all the same.
    quietly(PreviewOpening.objects.create)(
        link=link,
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    return link


@transaction.atomic
def release_make_version(*, release: PressRelease, user, language: str = "en") -> PressRelease:
    """The story's draft version in `language`, made from its original with everything that is
    not text: photos, media contacts, people, organisations (in their order), topics, byline
    and quotes. The title, lead, body and quotes are copied to be translated in place. A
    version already there is returned as it is."""
    from common.slugs import unique_slug
    from newsroom.models import (
        Quote,
        ReleaseContact,
        ReleaseImage,
        ReleaseOrganisation,
        ReleasePerson,
    )

    if not user.has_perm("newsroom.add_pressrelease"):
        raise PermissionDenied("Only staff who may write releases may do this.")
    original = release.original or release
    if original.language == language:
        return original
    existing = original.versions.filter(language=language).first()
    if existing is not None:
        return existing
    version = PressRelease.objects.create(
        title=original.title,
        slug=unique_slug(PressRelease, f"{original.slug}-{language}"),
        language=language,
        original=original,
        lead=original.lead,
        body=original.body,
        byline=original.byline,
        status=PressRelease.Status.DRAFT,
        created_by=user,
    )
    version.topics.set(original.topics.all())
    version.documents.set(original.documents.all())
    for model, field in (
        (ReleaseImage, "image_id"),
        (ReleaseContact, "contact_id"),
        (ReleasePerson, "person_id"),
        (ReleaseOrganisation, "organisation_id"),
    ):
        model.objects.bulk_create(
            model(release=version, order=link.order, **{field: getattr(link, field)})
            for link in model.objects.filter(release=original)
        )
    Quote.objects.bulk_create(
        # A role read from a person's positions is read again, in the version's language.
        Quote(
            release=version,
            order=quote.order,
            text=quote.text,
            person_id=quote.person_id,
            speaker=quote.speaker,
            role="" if quote.person_id else quote.role,
        )
        for quote in original.quotes.all()
    )
    for quote in version.quotes.filter(person__isnull=False).select_related("person"):
        quote.fill_role(version.release_date, language)
        if quote.role:
            quote.save(update_fields=["role"])
    return version
