// Newsletter forms: after a form comes back with mistakes, move focus to the error summary so
// keyboard and screen reader users hear what to fix. Without JavaScript the summary is still
// the first thing in the page's main content and the page title starts with the problem.
(function () {
    'use strict';
    var title = document.querySelector("[data-error-summary] [tabindex='-1']");
    if (title) {
        title.focus();
    }
})();
