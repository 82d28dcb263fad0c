"""The WebSub hub's endpoint: subscribe and unsubscribe requests (W3C WebSub, section 5.1).

A request is checked here and answered at once: 202 Accepted, the intent then verified by the
worker (outreach.websub.verify_intent), or 4xx with the reason as plain text. The answers are
for programs, in English as the spec's terms are.
"""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from outreach import websub
from outreach.models import WebSubRequest

FORM = "application/x-www-form-urlencoded"
FIELDS = {"hub.mode", "hub.topic", "hub.callback", "hub.lease_seconds", "hub.secret"}


def _text(status: int, message: str) -> HttpResponse:
    return HttpResponse(f"{message}\n", status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt  # subscribers are programs elsewhere, with no session here to protect
@never_cache
@require_POST
def hub(request):
    with translation.override("en"):  # the reasons below include the address checks' words
        return _hub(request)


def _hub(request):
    if settings.WEBSUB_HUB_URL:
        return _text(
            400, f"This newsroom's feeds name the hub {settings.WEBSUB_HUB_URL}: subscribe there."
        )
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _text(400, "Content-Length is not a number.")
    if declared > websub.REQUEST_MAX_BYTES:
        return _text(413, f"A request is at most {websub.REQUEST_MAX_BYTES} bytes.")
    content_type = request.content_type.lower()
    if content_type != FORM:
        return _text(415, f"Send the request as {FORM}.")
    body = request.read(websub.REQUEST_MAX_BYTES + 1)
    if len(body) > websub.REQUEST_MAX_BYTES:
        return _text(413, f"A request is at most {websub.REQUEST_MAX_BYTES} bytes.")
    try:
        params = QueryDict(body, encoding="utf-8")
    except Exception:  # malformed encoding, too many fields (Django's own limits)
        return _text(400, "The request's form data cannot be read.")
    for name in FIELDS:
        if len(params.getlist(name)) > 1:
            return _text(400, f"{name} is given more than once.")
    mode = params.get("hub.mode", "")
    if mode not in WebSubRequest.Mode.values:
        return _text(400, "hub.mode must be subscribe or unsubscribe.")
    try:
        scope, slug, topic = websub.feed_of(params.get("hub.topic", ""))
        callback = websub.check_callback(params.get("hub.callback", ""))
    except (websub.TopicError, websub.CallbackError) as refused:
        return _text(400, str(refused))
    lease = params.get("hub.lease_seconds", "").strip()
    if lease and (not lease.isascii() or not lease.isdigit() or len(lease) > 12):
        return _text(400, "hub.lease_seconds must be a whole number of seconds.")
    secret = params.get("hub.secret", "")
    if len(secret.encode()) > websub.SECRET_MAX_BYTES:
        return _text(400, "hub.secret must be less than 200 bytes.")
    if WebSubRequest.objects.count() >= websub.MAX_WAITING_REQUESTS:
        response = _text(429, "Too many requests are waiting for verification; try later.")
        response["Retry-After"] = "60"
        return response
    with transaction.atomic():
        waiting = WebSubRequest.objects.create(
            mode=mode,
            topic=topic,
            scope=scope,
            slug=slug,
            callback=callback,
            secret=secret if mode == WebSubRequest.Mode.SUBSCRIBE else "",
            lease_seconds=websub.lease_for(lease) if mode == WebSubRequest.Mode.SUBSCRIBE else 0,
        )
        transaction.on_commit(lambda: websub.verify_intent.enqueue(waiting.pk))
    return _text(202, f"Accepted: the hub will verify this {mode} request with the callback.")
