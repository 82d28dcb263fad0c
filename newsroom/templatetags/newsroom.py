from django import template

from newsroom.feeds import feed_links as _feed_links

register = template.Library()


@register.simple_tag
def feed_links(obj=None):
    """The feeds matching a page: all releases, or one topic's, organisation's or person's."""
    return _feed_links(obj)


@register.inclusion_tag("admin/dashboard.html", takes_context=True)
def dashboard(context):
    """The admin index's overview (newsroom.dashboard)."""
    from newsroom.dashboard import dashboard as overview

    request = context["request"]
    return {**overview(), "request": request, "perms": context.get("perms")}
