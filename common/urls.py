from django.conf import settings


def absolute_url(path: str) -> str:
    """An absolute link for use outside the site (feeds, e-mail, Open Graph)."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"
