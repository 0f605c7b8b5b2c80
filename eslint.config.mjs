// The site's scripts are small progressive enhancements loaded as plain <script defer> files
// (no bundler), so they are linted as browser scripts, not modules.
import js from '@eslint/js';
import globals from 'globals';

export default [
  js.configs.recommended,
  {
    files: ['static/js/**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'script',
      globals: globals.browser,
    },
  },
];
