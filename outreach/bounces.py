"""Mail that comes back: RFC 3464 delivery status notifications and ARF complaints (RFC 5965),
as the mail server pipes them to `manage.py bounce`. A permanent failure (status 5.x.x) is a
hard bounce and a complaint is a complaint: either way the address gets no pitch again."""

import email
import email.policy
from dataclasses import dataclass, field

from outreach.models import PitchDelivery, Suppression, normalized_email


@dataclass
class BounceResult:
    kind: str  # "delivery-status", "feedback-report", or "" when the message is neither
    suppressed: list[tuple[str, str]] = field(default_factory=list)  # (address, reason)
    ignored: list[str] = field(default_factory=list)  # addresses with a temporary failure


def _address(value: str) -> str:
    """ "rfc822; jens@avisen.dk" -> "jens@avisen.dk"."""
    value = str(value or "")
    if ";" in value:
        value = value.split(";", 1)[1]
    return normalized_email(value.strip().strip("<>"))


def _fields(part) -> list:
    """The header blocks of a message/delivery-status or message/feedback-report part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return payload
    parsed = email.message_from_string(str(payload), policy=email.policy.default)
    return [parsed]


def read_report(data: bytes) -> BounceResult:
    message = email.message_from_bytes(data, policy=email.policy.default)
    report_type = (message.get_param("report-type") or "").lower()
    if message.get_content_type() != "multipart/report" or report_type not in (
        "delivery-status",
        "feedback-report",
    ):
        return BounceResult(kind="")
    result = BounceResult(kind=report_type)
    if report_type == "delivery-status":
        for part in message.walk():
            if part.get_content_type() != "message/delivery-status":
                continue
            for block in _fields(part)[1:] or _fields(part):
                recipient = _address(
                    block.get("Final-Recipient") or block.get("Original-Recipient")
                )
                status = str(block.get("Status") or "")
                action = str(block.get("Action") or "").lower()
                if not recipient:
                    continue
                if status.startswith("5") or (action == "failed" and not status):
                    result.suppressed.append((recipient, Suppression.Reason.BOUNCED))
                else:
                    result.ignored.append(recipient)
    else:
        recipient = ""
        for part in message.walk():
            if part.get_content_type() == "message/feedback-report":
                for block in _fields(part):
                    recipient = recipient or _address(block.get("Original-Rcpt-To"))
            elif part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
                payload = part.get_payload()
                original = (
                    payload[0]
                    if isinstance(payload, list)
                    else email.message_from_string(str(payload), policy=email.policy.default)
                )
                recipient = recipient or _address(original.get("To"))
        if recipient:
            result.suppressed.append((recipient, Suppression.Reason.COMPLAINED))
    return result


def apply(result: BounceResult) -> None:
    """Suppress the addresses, and mark their last sent pitch as bounced."""
    for address, reason in result.suppressed:
        Suppression.suppress(address, reason)
        if reason == Suppression.Reason.BOUNCED:
            last = (
                PitchDelivery.objects.filter(
                    email__iexact=address, status=PitchDelivery.Status.SENT
                )
                .order_by("-sent_at")
                .first()
            )
            if last is not None:
                last.status = PitchDelivery.Status.BOUNCED
                last.save(update_fields=["status"])
