/* Boston EMS service worker, served from /sw.js (guidance/views.py), version {{ version }}.
 *
 * Keeps the pages that save lives readable offline: the text-only site, the life-saving
 * guidance pages and a small offline page, in the visitor's language. Pages only: every other
 * request goes to the network untouched, and nothing from another origin is ever requested.
 *
 * - Network first: online, every page comes from the site, so a visitor always gets the
 *   current page and never a copy an editor has since taken down. A stored page is refreshed
 *   whenever it is visited, and forgotten when the site no longer lists it.
 * - Offline: a stored page opens from the store; any other page gets the offline page, which
 *   points to the stored ones.
 * - Stored: only the addresses the site lists for offline reading (/lite/offline.json in the
 *   visitor's language), fetched without cookies, and only public responses. Never the admin,
 *   previews, form posts, the newsletter's pages (preferences, unsubscribe) or search results.
 * - Versioned: a new version (or the kill switch, SERVICE_WORKER_ENABLED=False) replaces this
 *   worker at the next visit and deletes the stores of older versions.
 */
"use strict";

const VERSION = "{{ version }}";
const STORE_PREFIX = "bostonems-offline-";
const STORE = STORE_PREFIX + VERSION;
const LANGUAGES = {{ languages|safe }};
const NEVER_STORED = ["/admin/", "/newsletter/", "/search/", "/documents/", "/media/", "/static/"];
const REFRESH_EVERY = 15 * 60 * 1000; // ms between refreshes of one language's stored pages
const lastRefresh = {};

{% if enabled %}
self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
    event.waitUntil(
        caches.keys()
            .then((keys) => Promise.all(
                keys.filter((key) => key.startsWith(STORE_PREFIX) && key !== STORE)
                    .map((key) => caches.delete(key))
            ))
            .then(() => self.clients.claim())
    );
});

self.addEventListener("message", (event) => {
    const data = event.data || {};
    if (typeof data.store === "string") {
        event.waitUntil(storeOfflinePages(data.store));
    }
});

self.addEventListener("fetch", (event) => {
    const request = event.request;
    if (request.method !== "GET" || request.mode !== "navigate") {
        return;
    }
    const url = new URL(request.url);
    if (url.origin !== self.location.origin || neverStored(url)) {
        return;
    }
    event.respondWith(networkFirst(request, url));
});
{% else %}
// Switched off: remove every store and this worker; pages then load as if it never existed.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
    event.waitUntil(
        caches.keys()
            .then((keys) => Promise.all(
                keys.filter((key) => key.startsWith(STORE_PREFIX)).map((key) => caches.delete(key))
            ))
            .then(() => self.registration.unregister())
    );
});
{% endif %}

function pathWithoutLanguage(url) {
    const parts = url.pathname.split("/");
    return LANGUAGES.includes(parts[1]) ? "/" + parts.slice(2).join("/") : url.pathname;
}

function languagePrefix(url) {
    const first = url.pathname.split("/")[1];
    return LANGUAGES.includes(first) ? "/" + first : "";
}

function neverStored(url) {
    const path = pathWithoutLanguage(url);
    return NEVER_STORED.some((prefix) => path.startsWith(prefix)) || url.pathname === "/sw.js";
}

function isPublic(response) {
    const control = (response.headers.get("Cache-Control") || "").toLowerCase();
    return response.ok && !response.redirected && response.type === "basic" &&
        !control.includes("private") && !control.includes("no-store");
}

function anonymousFetch(url) {
    // No cookies: what is stored is what every visitor sees, never an editor's view.
    return fetch(url, {credentials: "omit", cache: "no-cache", redirect: "follow"});
}

async function storeOfflinePages(listPath) {
    const listUrl = new URL(listPath, self.location.origin);
    if (listUrl.origin !== self.location.origin || neverStored(listUrl)) {
        return;
    }
    const now = Date.now();
    if (lastRefresh[listUrl.href] && now - lastRefresh[listUrl.href] < REFRESH_EVERY) {
        return;
    }
    lastRefresh[listUrl.href] = now;
    const store = await caches.open(STORE);
    const listResponse = await anonymousFetch(listUrl.href);
    if (!isPublic(listResponse)) {
        return;
    }
    const list = await listResponse.clone().json();
    const urls = list.urls.map((path) => new URL(path, self.location.origin))
        .filter((url) => url.origin === self.location.origin && !neverStored(url));
    await Promise.all(urls.map(async (url) => {
        try {
            const response = await anonymousFetch(url.href);
            if (isPublic(response)) {
                await store.put(url.href, response);
            } else if (response.status === 404 || response.status === 410) {
                await store.delete(url.href);
            }
        } catch (error) {
            // Offline or the site is down: keep what is stored.
        }
    }));
    await store.put(listUrl.href, listResponse);
    await forgetUnlisted(store);
}

async function forgetUnlisted(store) {
    // Pages no stored list names any more (taken down, or moved) are deleted.
    const requests = await store.keys();
    const listed = new Set();
    for (const request of requests) {
        if (new URL(request.url).pathname.endsWith("/lite/offline.json")) {
            listed.add(request.url);
            const list = await (await store.match(request)).json();
            list.urls.forEach((path) => listed.add(new URL(path, self.location.origin).href));
        }
    }
    await Promise.all(requests.filter((request) => !listed.has(request.url))
        .map((request) => store.delete(request)));
}

async function networkFirst(request, url) {
    const store = await caches.open(STORE);
    try {
        const response = await fetch(request);
        if (await store.match(url.href)) {
            if (isPublic(response)) {
                await store.put(url.href, response.clone());
            } else if (response.status === 404 || response.status === 410) {
                await store.delete(url.href);
            }
        }
        return response;
    } catch (error) {
        const stored = await store.match(url.href);
        if (stored) {
            return stored;
        }
        const offline = await store.match(new URL(languagePrefix(url) + "/offline/", url).href) ||
            await store.match(new URL("/offline/", url).href);
        if (offline) {
            return offline;
        }
        throw error;
    }
}
