// Run pa11y (HTML_CodeSniffer runner, WCAG 2.1 AA errors) on several URLs in one Debian chromium.
// Usage: node tests/public/pa11y_pages.cjs CONFIG.json
//   CONFIG: {"urls": [...], "executablePath": "/usr/bin/chromium", "args": [...]}
// Prints one JSON object: {url: [{code, message, selector}, ...]} - or {url: {"error": "..."}} when pa11y
// could not check the page (a failure, never a pass). Puppeteer is told where the browser is: it never
// downloads one (PUPPETEER_SKIP_DOWNLOAD=1 at `npm ci`).
'use strict';
const fs = require('fs');
const pa11y = require('pa11y');
const puppeteer = require('puppeteer');

async function main() {
  const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const browser = await puppeteer.launch({executablePath: config.executablePath, args: config.args, headless: true});
  const results = {};
  try {
    for (const url of config.urls) {
      // The site's Content-Security-Policy forbids injected scripts; the checker's own are test tooling.
      const page = await browser.newPage();
      await page.setBypassCSP(true);
      try {
        const found = await pa11y(url, {
          browser,
          page,
          runners: ['htmlcs'],
          standard: 'WCAG2AA',
          includeWarnings: false,
          includeNotices: false,
          timeout: 60000,
        });
        results[url] = found.issues.map(i => ({code: i.code, message: i.message, selector: i.selector}));
      } catch (error) {
        results[url] = {error: String(error)};
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch(error => { console.error(error); process.exit(2); });
