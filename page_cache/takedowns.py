"""What editors took down, so that no cached copy of it is ever served again.

The rule (docs/deployment.md states it too): a stored copy of a page is served after the page
changed only while rendering the new one ("stale-while-revalidate", and while the database is
unreachable), and never if the page was taken down after the copy was made. A take-down is a
page unpublished (by an editor or by its expiry date), deleted, given a view restriction
(password, login, groups), moved, or given a new slug; it covers the page's address and every
address under it (its descendants, its feeds), in every language (the language prefix is not
part of what is recorded: `/es/news/item/` and `/news/item/` are the same record).

How: the purge that follows a take-down (page_cache/purge.py) also writes, beside the content
generation in the purges alias (never culled, see page_cache/content_generation.py), a
record for the page's address, whose value is that purge's generation. A request reads the
records of its own address and of each address above it (`/news/item/`, `/news/`, `/`) in the
round-trip that reads the generation, and a copy stores the records its render saw. A copy
whose records differ from the current ones was made before a take-down that concerns it: it is
never served, not as stale, not while the page re-renders, not while the database is down (the
request then renders, which gives the 404, the login page, or the 503 page). Values are compared
for equality only, so nodes' clocks don't matter; copies made after the take-down saw the same
record and keep stale-while-revalidate for later ordinary edits.

The record of `/` always exists (it is created when missing): if the purges alias is emptied
(Redis restarted, the folder deleted) every record is lost, and the new value of `/` then
differs from what every older copy saw, so none of them is served stale; nobody can tell
which pages were taken down meanwhile.

Records are never deleted: there is one per address ever taken down, written only by editors.
"""

import hashlib

from django.utils.translation import get_language_from_path

from page_cache.content_generation import new_generation, purges

RECORD_KEY_PREFIX = "pagecache:taken-down:"
ROOT_RECORD_KEY = RECORD_KEY_PREFIX + "/"
# Addresses deeper than this are never stored (the site's tree is 4 levels deep): a request
# reads one record per level.
MAX_DEPTH = 8


def record_key(address):
    """The key of the record of `address` ("/news/item/", without a language prefix)."""
    if address == "/":
        return ROOT_RECORD_KEY
    return RECORD_KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def address_levels(path):
    """The addresses whose take-down covers `path`, from the site's root down: for
    "/es/news/item/" ["/", "/news/", "/news/item/"]. None when `path` is too deep to store."""
    segments = [segment for segment in path.split("/") if segment]
    if segments and get_language_from_path(path):
        segments = segments[1:]
    if len(segments) > MAX_DEPTH:
        return None
    return ["/"] + ["/" + "/".join(segments[: depth + 1]) + "/" for depth in range(len(segments))]


def record_keys(path):
    levels = address_levels(path)
    return None if levels is None else [record_key(address) for address in levels]


def seen(keys, found):
    """What a request sees of the records `keys`, given the values `found` for them (read with
    the generation): a tuple compared for equality with what a copy saw."""
    if ROOT_RECORD_KEY not in found:
        # Never written, or the purges alias was emptied: a new value (see above).
        state = purges()
        state.add(ROOT_RECORD_KEY, new_generation(), timeout=None)
        found = {**found, ROOT_RECORD_KEY: state.get(ROOT_RECORD_KEY)}
    return tuple(found.get(key) for key in keys)


def page_address(url_path):
    """The address of a page within its site and language from its Wagtail url_path (which
    starts with the slug of the site's, or the language's, root page): "/home/news/item/" gives
    "/news/item/"; the tree's root and a site's root give "/"."""
    segments = [segment for segment in (url_path or "/").split("/") if segment]
    return "/" + "".join(segment + "/" for segment in segments[1:])


def keys_for_pages(url_paths):
    """The record keys a take-down of pages with these url_paths writes."""
    return sorted({record_key(page_address(url_path)) for url_path in url_paths})
