"""The content generation that public pages are cached under (see newsroom.cache)."""

from django.conf import settings
from django.core.cache import caches

GENERATION_KEY = "content-generation"


def content_changed(**kwargs) -> None:
    """Start a new generation: every cached page is rendered afresh on its next request.

    Call it after any change a public page shows that bypasses model signals (QuerySet.update).
    """
    caches[settings.CACHE_MIDDLEWARE_ALIAS].delete(GENERATION_KEY)
