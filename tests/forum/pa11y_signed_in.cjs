// Run tests/public/pa11y_pages.cjs on pages that need a signed-in person: every request pa11y makes
// carries the Cookie header given in WSIS_PA11Y_COOKIE (e.g. "sessionid=..."). Same usage and output
// as pa11y_pages.cjs, which this only wraps (it replaces the pa11y function that script requires). The
// page must stay at its URL: a visitor sent to the sign-in page is an error, never a checked page.
'use strict';
const path = require('path');

const cookie = process.env.WSIS_PA11Y_COOKIE || '';
const resolved = require.resolve('pa11y', {paths: [path.join(__dirname, '..', 'public')]});
const pa11y = require(resolved);
require.cache[resolved].exports = (url, options) =>
  pa11y(url, {
    ...options,
    headers: {...(options.headers || {}), Cookie: cookie},
    actions: [`wait for url to be ${url}`],
  });
require('../public/pa11y_pages.cjs');
