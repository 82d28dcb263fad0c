from django import template

from common.urls import absolute_url

register = template.Library()


@register.filter
def absolute(path):
    """An absolute URL built on SITE_URL, for feeds, e-mail and sharing tags."""
    return absolute_url(str(path))
