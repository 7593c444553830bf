#!/usr/bin/env node
// Checks every relative link and anchor in a generated HTML site (the typedoc API
// reference): each must name a file of the site, and an anchor an id in that file.
// Usage: node scripts/check-links.mjs DIR
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const site = resolve(process.argv[2] ?? 'docs/api');
const pages = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.html')) pages.push(full);
  }
})(site);

const ids = new Map();
const idsOf = (file) => {
  if (!ids.has(file)) ids.set(file, new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
  return ids.get(file);
};
const broken = [];
for (const page of pages) {
  for (const [, href] of readFileSync(page, 'utf8').matchAll(/\shref="([^"]*)"/g)) {
    if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(href)) continue; // external: not ours to check offline
    const [path, anchor] = href.split('#');
    const target = path ? resolve(dirname(page), decodeURIComponent(path)) : page;
    if (!existsSync(target)) broken.push(`${relative(site, page)}: ${href} (no such file)`);
    // typedoc's own headings get ids at runtime in the browser; only check anchors into pages.
    else if (anchor && target.endsWith('.html') && !idsOf(target).has(anchor) && !/^md:/.test(anchor)) broken.push(`${relative(site, page)}: ${href} (no such anchor)`);
  }
}
if (broken.length) {
  console.error(`${broken.length} broken link(s) in ${site}:\n  ${[...new Set(broken)].slice(0, 50).join('\n  ')}`);
  process.exit(1);
}
console.log(`${pages.length} pages, no broken links`);
