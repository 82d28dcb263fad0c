"""What the newsroom holds about one e-mail address, for the person it belongs to (GDPR
articles 15 and 17): everything in one export, and erasure that keeps only what stops the
address being written to again (its hash, in the suppression list)."""

from django.db import transaction
from django.utils import timezone

from newsroom.models import PreviewLink, PreviewOpening, Subscription
from outreach.models import Contact, PitchDelivery, Suppression, email_hash, normalized_email


def _moment(value):
    return timezone.localtime(value).isoformat() if value else None


def export(email: str) -> dict:
    email = normalized_email(email)
    contacts = Contact.objects.filter(email=email).prefetch_related("lists", "topics")
    deliveries = PitchDelivery.objects.filter(email__iexact=email).select_related(
        "pitch", "release"
    )
    links = PreviewLink.objects.filter(email__iexact=email).select_related("release")
    suppression = Suppression.objects.filter(email_hash=email_hash(email)).first()
    return {
        "email": email,
        "exported_at": _moment(timezone.now()),
        "journalist": [
            {
                "name": contact.name,
                "email": contact.email,
                "outlet": contact.outlet,
                "beats": contact.beats,
                "topics": [topic.name for topic in contact.topics.all()],
                "language": contact.language,
                "phone": contact.phone,
                "notes": contact.notes,
                "media_lists": [media_list.name for media_list in contact.lists.all()],
                "lawful_basis": contact.get_lawful_basis_display(),
                "source": contact.source,
                "since": contact.basis_since.isoformat(),
                "created": _moment(contact.created_at),
                "updated": _moment(contact.updated_at),
            }
            for contact in contacts
        ],
        "pitches_sent": [
            {
                "release": delivery.release.title,
                "subject": delivery.pitch.shown_subject,
                "status": delivery.get_status_display(),
                "sent": _moment(delivery.sent_at),
            }
            for delivery in deliveries
        ],
        "embargo_links": [
            {
                "release": link.release.title,
                "name": link.name,
                "outlet": link.outlet,
                "created": _moment(link.created_at),
                "expires": _moment(link.expires_at),
                "revoked": _moment(link.revoked_at),
                "openings": [
                    {
                        "opened": _moment(opening.opened_at),
                        "ip_address": opening.ip_address,
                        "browser": opening.user_agent,
                    }
                    for opening in link.openings.all()
                ],
            }
            for link in links
        ],
        "alert_subscriptions": [
            {
                "language": subscription.language,
                "confirmed": _moment(subscription.confirmed_at),
                "topics": [topic.name for topic in subscription.topics.all()],
            }
            for subscription in Subscription.objects.filter(email__iexact=email)
        ],
        "suppressed": (
            {"reason": suppression.get_reason_display(), "since": _moment(suppression.created_at)}
            if suppression
            else None
        ),
    }


@transaction.atomic
def erase(email: str) -> dict:
    """Erase everything held about the address; keep its hash so no list brings it back.
    Returns what was erased, by kind."""
    email = normalized_email(email)
    erased = {
        "journalist": Contact.objects.filter(email=email).delete()[0],
        "pitches_sent": PitchDelivery.objects.filter(email__iexact=email).update(email="", name=""),
        "embargo_links": PreviewLink.objects.filter(email__iexact=email).update(
            email="", name="–", outlet="–"
        ),
        "alert_subscriptions": Subscription.objects.filter(email__iexact=email).delete()[0],
    }
    PreviewOpening.objects.filter(link__email="", link__name="–").update(
        ip_address=None, user_agent=""
    )
    Suppression.objects.update_or_create(
        email_hash=email_hash(email), defaults={"reason": Suppression.Reason.ERASED}
    )
    return erased
