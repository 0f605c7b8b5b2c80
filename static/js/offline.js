/* Offline reading of the pages that save lives: registers the service worker (/sw.js) once the
 * page has loaded, then asks it to store the text-only site and the life-saving guidance in
 * this page's language (the list's address is this script's data-offline-list). Nothing else
 * on the page depends on it; browsers without service workers simply go without. */
(function () {
    "use strict";

    var script = document.currentScript;
    if (!("serviceWorker" in navigator) || !script) {
        return;
    }
    var list = script.getAttribute("data-offline-list");
    window.addEventListener("load", function () {
        navigator.serviceWorker.register("/sw.js", {scope: "/"})
            .then(function () {
                return navigator.serviceWorker.ready;
            })
            .then(function (registration) {
                registration.active.postMessage({type: "store-offline-pages", list: list});
            })
            .catch(function () {
                // No offline copies this time; the page works the same.
            });
    });
}());
