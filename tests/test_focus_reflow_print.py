"""What the accessibility engines (axe, the W3C checker, pa11y, Lighthouse) cannot see, measured
in a real Chromium the way a specialist checks it by hand: the focus indicator and the label of
every control while focused, in forced colours too (WCAG 2.2 AAA 2.4.13 Focus Appearance, 1.4.3);
reflow at 320 px with 200 % text, the phone header, phone numbers that never break (1.4.10,
1.4.4); and the print stylesheet.

One page per page type, in English, Spanish and Arabic (right to left), at 1280 and 320 px, each
loaded once: every check of a page runs in one script inside the browser."""

import pytest
from django.conf import settings
from wagtail.models import Page

from bostonems_site.i18n import UNTRANSLATED_COPY
from testing.helpers import (
    FOCUSABLE,
    VIEWPORTS,
    load_every_language,
    point_site_at,
    show_linked_alert,
)

pytestmark = pytest.mark.browser

# Colour arithmetic of WCAG 2.2 (relative luminance, contrast ratio), and the page's backdrop
# behind an element: its own and its ancestors' backgrounds, translucent ones laid over the first
# opaque one.
COLOUR_SCRIPT = """
const parse = value => {
    const m = /rgba?\\(([^)]*)\\)/.exec(value || '');
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const luminance = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
};
const contrast = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
};
const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3]));
const backdrop = element => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
        const colour = parse(getComputedStyle(node).backgroundColor);
        if (colour && colour[3] > 0) { layers.push(colour); if (colour[3] >= 1) break; }
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255]);
};
const describe = el => `${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}`
    + ` "${(el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40)}"`;
const controls = selector => Array.from(document.querySelectorAll(selector)).filter(el => {
    const style = getComputedStyle(el);
    return style.display !== 'none' && style.visibility !== 'hidden' && el.getClientRects().length;
});
"""

# For each control, focused by script after one real Tab (so :focus-visible applies as it does
# for the keyboard): the label against its backdrop, and a ring band of at least 2 px that was
# not there before focus and is 3:1 against what surrounds the control.
FOCUS_CHECKS = (
    "selector => {"
    + COLOUR_SCRIPT
    + """
    const problems = [];
    const bands = style => {
        const found = [];
        if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
            found.push({colour: parse(style.outlineColor), kind: 'outline'});
        const shadows = style.boxShadow === 'none' ? [] : style.boxShadow.split(/,(?![^(]*\\))/);
        for (const shadow of shadows) {
            const lengths = shadow.replace(/rgba?\\([^)]*\\)/, '').trim().split(/\\s+/)
                .map(parseFloat);
            if (!shadow.includes('inset') && lengths.length >= 4 && lengths[3] >= 2
                && lengths[0] === 0 && lengths[1] === 0)
                found.push({colour: parse(shadow), kind: 'shadow'});
        }
        return found.filter(band => band.colour && band.colour[3] > 0);
    };
    for (const el of controls(selector)) {
        if (document.activeElement === el) el.blur();
        const before = getComputedStyle(el);
        const unfocused = bands(before).map(band => band.colour.join());
        el.focus();
        if (document.activeElement !== el) continue;  // e.g. a link inside a closed menu
        if (!el.matches(':focus-visible')) {
            problems.push(`${describe(el)}: no :focus-visible`);
            continue;
        }
        const style = getComputedStyle(el);
        const around = backdrop(el.parentElement);
        const ring = bands(style).filter(band => !unfocused.includes(band.colour.join()));
        const best = Math.max(0, ...ring.map(band => contrast(band.colour, around)));
        if (best < 3)
            problems.push(`${describe(el)}: ring ${best.toFixed(2)}:1 against its surroundings`);
        const labelled = [el, ...el.querySelectorAll('*')].filter(node => {
            const box = node.getBoundingClientRect();
            const ownText = Array.from(node.childNodes)
                .some(t => t.nodeType === 3 && t.textContent.trim())
                || (['INPUT', 'SELECT'].includes(node.tagName) && node.value
                    && node.type !== 'checkbox');
            return ownText && box.width > 1 && box.height > 1
                && getComputedStyle(node).visibility !== 'hidden';
        });
        for (const node of labelled) {
            const text = getComputedStyle(node);
            const size = parseFloat(text.fontSize), bold = parseInt(text.fontWeight, 10) >= 700;
            const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
            const ratio = contrast(parse(text.color), backdrop(node));
            if (ratio < needed)
                problems.push(`${describe(el)}: focused label ${ratio.toFixed(2)}:1`);
        }
        // The ring must show: no ancestor that clips its content may cut it off.
        const box = el.getBoundingClientRect(), reach = 6;
        for (let node = el.parentElement; node !== document.body; node = node.parentElement) {
            if (getComputedStyle(node).overflow === 'visible') continue;
            const clip = node.getBoundingClientRect();
            if (box.left - reach < clip.left || box.right + reach > clip.right
                || box.top - reach < clip.top || box.bottom + reach > clip.bottom) {
                problems.push(`${describe(el)}: focus ring clipped by ${describe(node)}`);
                break;
            }
        }
    }
    return problems;
}"""
)

# Under forced colours (Windows High Contrast) shadows and backgrounds are gone: the focused
# control needs an outline of its own.
FORCED_COLOURS_CHECKS = (
    "selector => {"
    + COLOUR_SCRIPT
    + """
    const problems = [];
    for (const el of controls(selector)) {
        el.focus();
        if (document.activeElement !== el) continue;
        const style = getComputedStyle(el), colour = parse(style.outlineColor);
        if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2
            || !colour || colour[3] === 0)
            problems.push(`${describe(el)}: no outline when focused in forced colours`);
    }
    return problems;
}"""
)


def one_page_of_each_type():
    """Paths of one live page of each page model in each language with content, the search
    results and the 404 page of each language."""
    paths = {}
    pages = Page.objects.live().filter(depth__gt=1).exclude(UNTRANSLATED_COPY)
    for page in pages.select_related("locale").order_by("path"):
        code = page.locale.language_code
        paths.setdefault((code, page.content_type_id), page.url)
    codes = sorted({code for code, _ in paths})
    for code in codes:
        prefix = "" if code == settings.LANGUAGE_CODE else f"/{code}"
        paths[(code, "search")] = f"{prefix}/search/?q=division"
        paths[(code, "404")] = f"{prefix}/this-page-does-not-exist/"
    return sorted(paths.values())


@pytest.fixture
def every_page_type(live_site):
    load_every_language()
    point_site_at(live_site.url)
    show_linked_alert("urgent")
    paths = one_page_of_each_type()
    assert any(p.startswith("/es/") for p in paths) and any(p.startswith("/ar/") for p in paths)
    return [live_site.url + path for path in paths]


def test_every_focused_control_shows_a_ring_and_a_readable_label(browser, every_page_type):
    problems = []
    for viewport in VIEWPORTS.values():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for url in every_page_type:
            page.emulate_media(forced_colors="none")
            page.goto(url)
            page.keyboard.press("Tab")  # the keyboard, so script focus shows as it would
            found = page.evaluate(FOCUS_CHECKS, FOCUSABLE)
            page.emulate_media(forced_colors="active")
            found += page.evaluate(FORCED_COLOURS_CHECKS, FOCUSABLE)
            problems += [f"{url} at {viewport['width']}px: {problem}" for problem in found]
        context.close()
    assert problems == [], "\n".join(problems)


# 1.4.10 Reflow and 1.4.4 Resize text: at 320 px with the text twice its size nothing scrolls
# sideways, the hidden skip link takes no room, and the header's search field (in the menu on
# phones) keeps most of the width.
REFLOW_CHECKS = """() => {
    const problems = [], root = document.documentElement;
    const sticksOut = () => Array.from(document.body.querySelectorAll('*'))
        .filter(el => { const box = el.getBoundingClientRect();
            return (box.right > root.clientWidth + 1 || box.left < -1)
                && el.checkVisibility() && !el.querySelector('*'); })
        .slice(0, 3).map(el => `<${el.tagName.toLowerCase()} class="${el.className}">`).join(', ');
    if (root.scrollWidth > root.clientWidth)
        problems.push(`scrolls ${root.scrollWidth - root.clientWidth}px sideways: ${sticksOut()}`);
    const skip = document.querySelector('.skip-link').getBoundingClientRect();
    if (skip.width > 1 || skip.height > 1) problems.push('the hidden skip link shows');
    const menu = document.querySelector('.site-header__menu');
    if (menu) menu.open = true;
    const search = document.querySelector('#site-search').getBoundingClientRect();
    if (search.width < root.clientWidth / 2)
        problems.push(`header search field ${Math.round(search.width)}px wide`);
    if (root.scrollWidth > root.clientWidth)
        problems.push(`the open menu scrolls sideways: ${sticksOut()}`);
    return problems;
}"""

# A phone number broken across lines ("llame al 9-1-" / "1") is misread and misdialled: every
# number shown (the same pattern as site_tags.PHONE_NUMBER) sits on one line.
BROKEN_PHONE_NUMBERS = r"""() => {
    const pattern = new RegExp(String.raw`(?<![\w-])\+?(?:\(\d{1,4}\)\s?|\d{1,4}[-.])`
        + String.raw`(?:\d{1,4}[-.])*\d{1,4}(?![\w-])`, 'g');
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), broken = [];
    while (walker.nextNode()) {
        const node = walker.currentNode;
        if (!node.parentElement.checkVisibility()) continue;
        for (const match of node.textContent.matchAll(pattern)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const lines = new Set(Array.from(range.getClientRects())
                .filter(box => box.width > 0).map(box => Math.round(box.bottom)));
            if (lines.size > 1) broken.push(`"${match[0]}" breaks in "${node.textContent.trim()}"`);
        }
    }
    return broken;
}"""

HEADER_BOTTOM = "() => document.querySelector('.site-header').getBoundingClientRect().bottom"


def test_pages_reflow_at_320_px_with_text_at_200_percent(browser, every_page_type):
    context = browser.new_context(viewport=VIEWPORTS["mobile"])
    page = context.new_page()
    problems = []
    for url in every_page_type:
        page.goto(url)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        problems += [f"{url}: {problem}" for problem in page.evaluate(REFLOW_CHECKS)]
    context.close()
    assert problems == [], "\n".join(problems)


def test_phone_header_takes_a_quarter_of_the_screen_and_phone_numbers_stay_whole(
    browser, every_page_type
):
    problems = []
    for viewport in ({"width": 375, "height": 740}, VIEWPORTS["desktop"]):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for url in every_page_type:
            page.goto(url)
            where = f"{url} at {viewport['width']}px"
            problems += [f"{where}: {problem}" for problem in page.evaluate(BROKEN_PHONE_NUMBERS)]
            bottom = page.evaluate(HEADER_BOTTOM)
            # A quarter of the screen, with the urgent alert and its links (to the city's advisory
            # and to the text-only site) showing.
            if viewport["width"] == 375 and bottom > 740 / 4:
                problems.append(f"{where}: the header with the alert ends {bottom:.0f}px down")
        context.close()
    assert problems == [], "\n".join(problems)


# On a phone the home page's sign-up box is thousands of pixels down and the menu is folded: a
# link to it, named as the box is, comes with the hero's first links, within a short scroll.
SIGN_UP_IN_REACH = """() => {
    const link = document.querySelector('main a[href="#newsletter-box-heading"]');
    if (!link || !link.checkVisibility()) return 'no visible link to the sign-up box';
    const box = document.querySelector('#newsletter-box-heading');
    if (!box) return 'the link leads nowhere';
    if (link.textContent.trim() !== box.textContent.trim())
        return `the link "${link.textContent.trim()}" names the box "${box.textContent.trim()}"`;
    const top = link.getBoundingClientRect().top + window.scrollY;
    return top > 1.5 * window.innerHeight ? `the link is ${Math.round(top)}px down` : null;
}"""


def test_phone_home_page_links_its_sign_up_box_near_the_top(browser, every_page_type):
    homes = [url for url in every_page_type if url.split("/", 3)[3] in ("", "es/", "ar/")]
    assert len(homes) >= 2, homes  # English and Spanish (the Arabic home may be a draft)
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    problems = []
    for url in homes:
        page.goto(url)
        problem = page.evaluate(SIGN_UP_IN_REACH)
        if problem:
            problems.append(f"{url}: {problem}")
    context.close()
    assert problems == [], "\n".join(problems)


# Printed, a page is its content: no navigation, search or footer, dark text, and each link
# followed by the address it leads to (paper can't be clicked).
PRINT_CHECKS = """() => {
    const problems = [];
    for (const chrome of document.querySelectorAll('nav, form, footer, .site-alert'))
        if (chrome.checkVisibility())
            problems.push(`prints <${chrome.tagName.toLowerCase()} class="${chrome.className}">`);
    const links = Array.from(document.querySelectorAll('main a[href]:not([href^="#"])'))
        .filter(link => link.checkVisibility());
    if (!links.length) problems.push('no link in the content');
    for (const link of links) {
        const after = getComputedStyle(link, '::after').content;
        if (!after.includes(link.getAttribute('href')))
            problems.push(`"${link.textContent.trim()}" prints without its address (${after})`);
    }
    for (const text of document.querySelectorAll('main p, main h1, main li')) {
        const colour = getComputedStyle(text).color;
        if (text.checkVisibility() && colour !== 'rgb(0, 0, 0)')
            problems.push(`"${text.textContent.trim().slice(0, 30)}" prints in ${colour}`);
    }
    return problems;
}"""


def test_a_printed_division_page_is_its_content_with_link_addresses(browser, live_site, tmp_path):
    from divisions.models import DivisionPage

    load_every_language()
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto(
        live_site.url + DivisionPage.objects.get(slug="training", locale__language_code="en").url
    )
    page.screenshot(path=tmp_path / "printed.png", full_page=True)
    problems = page.evaluate(PRINT_CHECKS)
    context.close()
    assert (tmp_path / "printed.png").stat().st_size > 0
    assert problems == [], "\n".join(problems)
