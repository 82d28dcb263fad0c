from django import template
from django.utils.safestring import mark_safe

from common.richtext import sanitize_html

register = template.Library()


@register.filter
def richtext(html):
    """Render stored rich text, cleaned again so legacy rows cannot slip anything through."""
    return mark_safe(sanitize_html(html, display=True))  # noqa: S308 - nh3 output is the safe form


@register.filter
def richtext_absolute(html):
    """As richtext, with links and images made absolute for feeds and e-mail."""
    return mark_safe(sanitize_html(html, absolute_urls=True, display=True))  # noqa: S308
