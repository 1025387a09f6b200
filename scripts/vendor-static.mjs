// Run by `npm ci` (postinstall): copy the front-end files the site serves from its own static files
// (never a CDN) out of node_modules into src/wsis/static/vendor/, which git ignores.
// - world-atlas countries-110m.json: the map boundaries (read by wsis.charts.maps, served to the
//   optional interactive charts);
// - vega, vega-lite, vega-embed: the optional interactive charts, loaded only when a reader asks;
// - swagger-ui-dist: the browsable API documentation at /api/v1/docs (offline: no CDN).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "src", "wsis", "static", "vendor");
const files = [
  ["world-atlas/countries-110m.json", "world-atlas/countries-110m.json"],
  ["vega/build/vega.min.js", "vega/vega.min.js"],
  ["vega-lite/build/vega-lite.min.js", "vega/vega-lite.min.js"],
  ["vega-embed/build/vega-embed.min.js", "vega/vega-embed.min.js"],
  ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"],
  ["swagger-ui-dist/swagger-ui.css", "swagger-ui/swagger-ui.css"],
];
for (const [from, to] of files) {
  const source = join(root, "node_modules", from);
  if (!existsSync(source)) {
    console.error(`vendor-static: ${source} is missing; is it in package.json?`);
    process.exit(1);
  }
  const target = join(vendor, to);
  mkdirSync(dirname(target), { recursive: true });
  // Source maps are not shipped: drop the comment pointing at them (JavaScript `//# ...`, CSS
  // `/*# ... */`), or the fingerprinting of the static files (collectstatic, whitenoise manifest)
  // fails on the missing .map file.
  const text = readFileSync(source, "utf8")
    .replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n")
    .replace(/\n?\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "\n");
  writeFileSync(target, text);
}
