"""StreamField blocks shared by every content page. Each block renders through its own template
under templates/blocks/ so pages never repeat block markup."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

from bostonems_site.links import link_target_error, link_target_url

# lang-en: an English passage left untranslated in a translated page (wagtail_hooks.py).
RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4", "lang-en"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120, help_text="Short heading for the section below it.")
    level = blocks.ChoiceBlock(
        choices=[("h2", "Heading (level 2)"), ("h3", "Subheading (level 3)")],
        default="h2",
        help_text="Use level 2 for main sections and level 3 inside them; don't skip levels.",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(
        help_text="Describe what the image shows for people who can't see it, "
        "or tick 'decorative' if it adds nothing to the text."
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, help_text="Who said it, e.g. 'Chief of EMS'.")

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"


class LinkValue(blocks.StructValue):
    """The value of every page-or-address link block: templates write `{{ link.url }}`."""

    def url(self):
        return link_target_url(self.get("page"), self.get("external_url"))


class LinkTargetMixin:
    """A link block that goes to either a page on this site or an external address, never both
    (the same rule as PageOrAddressLink's, with the same message)."""

    def clean(self, value):
        value = super().clean(value)
        message = link_target_error(bool(value.get("page")), bool(value.get("external_url")))
        if message:
            raise StructBlockValidationError(
                block_errors={
                    "page": ValidationError(message),
                    "external_url": ValidationError(message),
                }
            )
        return value


class CallToActionBlock(LinkTargetMixin, blocks.StructBlock):
    text = blocks.CharBlock(max_length=80, help_text="What happens on click, e.g. 'Apply now'.")
    page = blocks.PageChooserBlock(required=False)
    external_url = blocks.URLBlock(required=False, label="External address")

    class Meta:
        icon = "link"
        template = "blocks/call_to_action_block.html"
        value_class = LinkValue


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(
        required=False, help_text="Link text; leave blank to use the document's title."
    )

    class Meta:
        icon = "doc-full"
        template = "blocks/document_link_block.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, icon="pilcrow")
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    document = DocumentLinkBlock()


class LinkBlock(LinkTargetMixin, blocks.StructBlock):
    """A titled link for link lists (site-wide related links)."""

    title = blocks.CharBlock(max_length=120, help_text="Link text visitors will see.")
    page = blocks.PageChooserBlock(required=False, help_text="A page on this site…")
    external_url = blocks.URLBlock(
        required=False, label="External address", help_text="…or another site."
    )

    class Meta:
        icon = "link"
        value_class = LinkValue


class SocialLinkBlock(blocks.StructBlock):
    name = blocks.CharBlock(
        max_length=60, help_text="The network's name as visitors know it, e.g. 'Facebook'."
    )
    url = blocks.URLBlock(help_text="Full address of the department's account.")

    class Meta:
        icon = "site"
