// Wagtail's own CSS rules (logical properties, one declaration per line, no !important), for
// hand-written CSS served as it is, without Sass or a build step.
module.exports = {
  extends: '@wagtail/stylelint-config-wagtail',
  rules: {
    // Wagtail's design tokens are Sass variables; ours are a handful of custom properties,
    // and spacing and type sizes are plain rem values.
    'scale-unlimited/declaration-strict-value': null,
    'scss/media-feature-value-dollar-variable': null,
    // Rules are grouped by component (header, cards, forms), each with its own states, not
    // sorted by specificity across the file.
    'no-descending-specificity': null,
    // Wagtail never uppercases text; this design does, in CSS only, for small labels (section
    // and footer headings, news tags), so screen readers still read words, not letters.
    'property-disallowed-list': ['/forced-color-adjust/', '/left/', '/right/'],
  },
};
