"""Links that go to a page on this site or to another website: the one rule for what they
point at and the one check editors get, shared by the link blocks (bostonems_site/blocks.py)
and the link models (PageOrAddressLink in bostonems_site/models.py)."""

LINK_TARGET_MESSAGE = "Choose a page on this site or enter an external address (one of the two)."


def link_target_url(page, external_url):
    """Where the link goes: the page while it is live, else the external address. Empty when
    the chosen page was unpublished or deleted, so templates leave the link out rather than
    send visitors to a missing page."""
    if page is not None:
        return page.url if page.live else ""
    return external_url or ""


def link_target_error(has_page, has_external_url, required=True):
    """The message for editors when a link has both a page and an address, or (when the link
    is required) neither; None when it is fine."""
    if (has_page and has_external_url) or (required and not has_page and not has_external_url):
        return LINK_TARGET_MESSAGE
    return None
