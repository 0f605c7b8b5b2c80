from django import template
from django.apps import apps

from page_cache.fragments import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, key, page_models):
        self.nodelist = nodelist
        self.key = key
        self.page_models = page_models

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        key = tuple(str(part.resolve(context)) for part in self.key)
        return fragments.get_or_render(
            request, key, lambda: (self.nodelist.render(context), None), self.page_models
        )


@register.tag
def fragment(parser, token):
    """{% fragment "name" value… [showing "app.PageModel"…] %}…{% endfragment %}: the enclosed
    HTML rendered once per content change, language, host and the values given; with
    `showing`, once per change to pages of the models named or to anything but pages
    (page_cache/fragments.py says when each is right)."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% fragment %} needs a name")
    page_models = None
    if "showing" in bits:
        at = bits.index("showing")
        bits, labels = bits[:at], [label.strip("\"'") for label in bits[at + 1 :]]
        if not labels:
            raise template.TemplateSyntaxError("{% fragment … showing %} needs page models")
        page_models = frozenset(apps.get_model(label)._meta.label for label in labels)
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, [parser.compile_filter(bit) for bit in bits], page_models)
