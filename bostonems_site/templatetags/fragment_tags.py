from django import template

from bostonems_site.fragments import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, key):
        self.nodelist = nodelist
        self.key = key

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        key = tuple(str(part.resolve(context)) for part in self.key)
        return fragments.get_or_render(request, key, lambda: (self.nodelist.render(context), None))


@register.tag
def fragment(parser, token):
    """{% fragment "name" value… %}…{% endfragment %}: the enclosed HTML rendered once per
    content generation, language, host and the values given (bostonems_site/fragments.py says
    when that is right)."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% fragment %} needs a name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, [parser.compile_filter(bit) for bit in bits])
