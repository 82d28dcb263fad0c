"""The content generation that public pages are cached under (see newsroom.cache), and the
content version that rendered parts of pages are kept under (see newsroom.parts)."""

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

GENERATION_KEY = "content-generation"


def content_changed(**kwargs) -> None:
    """Start a new generation: every cached page and kept part is rendered afresh on its next
    request.

    Call it after any change a public page shows that bypasses model signals (QuerySet.update).
    """
    from common.models import ContentVersion

    ContentVersion.move_on()
    cache = caches[settings.CACHE_MIDDLEWARE_ALIAS]
    cache.delete(GENERATION_KEY)
    # Again once the change is committed: a request between this moment and the commit may
    # have begun a new generation with the rows as they were before the change.
    transaction.on_commit(lambda: cache.delete(GENERATION_KEY))
