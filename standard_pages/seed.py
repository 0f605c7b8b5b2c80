"""The privacy notice and accessibility statement: sample pages under the home page that editors
review and change, linked from the footer through site settings (set only while empty)."""

from wagtail.models import Site
from wagtail.rich_text import RichText

from bostonems_site.models import SiteSettings
from bostonems_site.seed import SAMPLE_NOTE, ensure_child
from standard_pages.models import StandardPage


def _section(heading, html):
    return [("heading", {"text": heading, "level": "h2"}), ("paragraph", RichText(html))]


PRIVACY_BODY = [
    ("paragraph", RichText(f"<p><b>{SAMPLE_NOTE}</b></p>")),
    *_section(
        "What this website records",
        "<p>Reading this website needs no account and sets no cookies. We do not use "
        "analytics or advertising services, and pages load nothing from other websites until "
        "you press play on a video hosted by YouTube or Vimeo.</p>",
    ),
    *_section(
        "Email updates",
        "<p>When you sign up for email updates we keep your email address, the topics you "
        "chose, the language of the page you signed up on, where on the site you signed up, and "
        "the dates you signed up, confirmed and unsubscribed. We use them only to send the "
        "updates you asked for. We do not store your IP address: the limit on repeated sign-ups "
        "uses it only for ten minutes, in memory.</p>"
        "<p>An address that is never confirmed receives nothing more; the confirmation link "
        "works for 7 days. You can change your topics or unsubscribe from the link in every "
        "email. After you unsubscribe we keep only your address and the date, so that we never "
        "email you again; write to us to have it deleted completely.</p>",
    ),
    *_section(
        "Public records",
        "<p>Records held by the City of Boston may be subject to the Massachusetts Public "
        "Records Law. Contact us with any question about your information.</p>",
    ),
]

ACCESSIBILITY_BODY = [
    ("paragraph", RichText(f"<p><b>{SAMPLE_NOTE}</b></p>")),
    *_section(
        "Our target",
        "<p>Boston EMS wants everyone to be able to use this website. We aim to meet the Web "
        "Content Accessibility Guidelines (WCAG) 2.2 at level AA on every page, in every "
        "language we publish, on phones and on computers.</p>",
    ),
    *_section(
        "How we check",
        "<p>Every kind of page is tested automatically for WCAG 2.2 AA problems on a phone-sized "
        "and a desktop-sized screen before each change is published, and editors must describe "
        "every image they upload or mark it decorative. Videos have captions.</p>",
    ),
    *_section(
        "Report a barrier",
        "<p>If something on this website is hard or impossible for you to use, tell us: call "
        "617-343-2367 or write to us at 785 Albany Street, Boston, MA 02118. Say which page and "
        "what happened; we will reply within five business days and offer the information in "
        "another format in the meantime.</p>",
    ),
]

PAGES = {
    "privacy": {
        "title": "Privacy notice",
        "search_description": "What this website and the email updates record about you, "
        "and for how long.",
        "body": PRIVACY_BODY,
    },
    "accessibility": {
        "title": "Accessibility statement",
        "search_description": "The accessibility standard this website meets and how to "
        "report a barrier.",
        "body": ACCESSIBILITY_BODY,
    },
}


def load(home, stdout):
    pages = {}
    for slug, fields in PAGES.items():
        pages[slug], created = ensure_child(home, StandardPage, slug, **fields)
        if created:
            stdout.write(f"Created the {fields['title'].lower()} page.")
    for site in Site.objects.filter(root_page=home):
        settings = SiteSettings.for_site(site)
        if settings.privacy_page_id is None or settings.accessibility_page_id is None:
            settings.privacy_page = settings.privacy_page or pages["privacy"]
            settings.accessibility_page = settings.accessibility_page or pages["accessibility"]
            settings.save()
