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


class KeptNode(template.Node):
    def __init__(self, release, name, nodelist):
        self.release, self.name, self.nodelist = release, name, nodelist

    def render(self, context):
        parts = context.get("kept_parts")
        if parts is None:  # previews, and pages that keep nothing
            return self.nodelist.render(context)

        def render(extra):
            with context.push(**extra):
                return self.nodelist.render(context)

        name = self.name.resolve(context)
        if self.release is None:
            return parts.get_or_render_page_part(name, render)
        return parts.get_or_render(self.release.resolve(context), name, render)


@register.tag
def kept(parser, token):
    """{% kept release "article" %}...{% endkept %}: a part of a public page about one release,
    kept rendered in the database until what it shows changes (newsroom.parts).
    {% kept "filters" %}...{% endkept %}: a part about no one release, where the view allows it.
    """
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError('{% kept [release] "name" %} takes one or two arguments')
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    release = parser.compile_filter(bits[1]) if len(bits) == 3 else None
    return KeptNode(release, parser.compile_filter(bits[-1]), nodelist)
