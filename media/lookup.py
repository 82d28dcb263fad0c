"""Which media-library image is behind a URL in a body text (editor uploads are renditions)."""

from django.conf import settings

from media.models import Image, Rendition


def images_for_urls(urls) -> dict[str, Image]:
    """{url: Image} for the URLs (relative, or absolute on SITE_URL) that are ours."""
    names = {}
    for url in urls:
        path = url
        if path.startswith(settings.SITE_URL + "/"):
            path = path[len(settings.SITE_URL) :]
        if path.startswith(settings.MEDIA_URL) and "//" not in path[len(settings.MEDIA_URL) :]:
            names[path[len(settings.MEDIA_URL) :]] = url
    if not names:
        return {}
    found = {}
    for rendition in Rendition.objects.filter(file__in=names).select_related("image"):
        found[names[rendition.file.name]] = rendition.image
    for image in Image.objects.filter(file__in=names):
        found.setdefault(names[image.file.name], image)
    for image in Image.objects.filter(master__in=names):
        found.setdefault(names[image.master.name], image)
    return found


def credits_for_urls(urls) -> dict[str, str]:
    """{url: photographer credit} for the images of ours that have one."""
    return {
        url: image.credit.strip()
        for url, image in images_for_urls(urls).items()
        if image.credit.strip()
    }


def alts_for_urls(urls) -> dict[str, str]:
    """{url: text alternative} for the images of ours that have one."""
    return {
        url: image.alt_text.strip()
        for url, image in images_for_urls(urls).items()
        if image.alt_text.strip()
    }
