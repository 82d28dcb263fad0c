from newsroom.models import ReleaseSlug


def earlier_address_owner(slug: str, pk=None):
    """The release that answered at `slug` before (it still redirects there), unless it is the
    release `pk` itself: a new release must not take that address over."""
    links = ReleaseSlug.objects.filter(slug=slug).select_related("release")
    if pk:
        links = links.exclude(release_id=pk)
    link = links.first()
    return link.release if link else None
