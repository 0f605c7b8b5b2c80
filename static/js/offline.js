/* Offline reading of the life-saving pages: see templates/guidance/sw.js. */
if ('serviceWorker' in navigator && document.currentScript) {
    const list = document.currentScript.dataset.offlineList;
    addEventListener('load', () => {
        navigator.serviceWorker
            .register('/sw.js')
            .then(() => navigator.serviceWorker.ready)
            .then((registration) =>
                registration.active.postMessage({ store: list }),
            )
            .catch(() => {});
    });
}
