// Checks a built static site's links without the network: every internal link (href
// and src) must name a file of the build, and every #fragment an id on its page; external
// links are listed, not fetched. Exits 1 on the first run with a broken link.
//
//   node .ci/sites/links.mjs <built folder> [--site https://mysoftly.app]
//
// Links to the site's own origin (--site) count as internal.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileFor } from "./serve.mjs";

const args = process.argv.slice(2);
const root = path.resolve(args[0] ?? "dist");
const siteAt = args.indexOf("--site");
const site = siteAt >= 0 ? new URL(args[siteAt + 1]) : null;

function htmlFiles(folder) {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    if (statSync(full).isDirectory()) return htmlFiles(full);
    return name.endsWith(".html") ? [full] : [];
  });
}

const decode = (value) => value.replaceAll("&amp;", "&").replaceAll("&#38;", "&").replaceAll("&quot;", '"');

/** The ids a page defines (`id` and the legacy `<a name>`). */
const idsCache = new Map();
function idsOf(file) {
  if (!idsCache.has(file)) {
    const html = readFileSync(file, "utf8");
    const ids = new Set([...html.matchAll(/\s(?:id|name)="([^"]+)"/g)].map((m) => decode(m[1])));
    idsCache.set(file, ids);
  }
  return idsCache.get(file);
}


const broken = [];
const external = new Set();
let checked = 0;
const pages = htmlFiles(root);
for (const page of pages) {
  const html = readFileSync(page, "utf8");
  const pagePath = "/" + path.relative(root, page).split(path.sep).join("/");
  for (const match of html.matchAll(/\s(href|src)="([^"]*)"/g)) {
    const raw = decode(match[2]);
    if (raw === "") {
      broken.push(`${pagePath}: empty ${match[1]}`);
      continue;
    }
    let target;
    try {
      target = new URL(raw, new URL(pagePath, "https://site.invalid"));
    } catch {
      broken.push(`${pagePath}: unparsable ${raw}`);
      continue;
    }
    const own = target.host === "site.invalid" || (site && target.host === site.host);
    if (!own) {
      if (["http:", "https:", "mailto:"].includes(target.protocol)) {
        external.add(target.href);
      } else if (target.protocol !== "data:") {
        broken.push(`${pagePath}: unexpected scheme ${raw}`);
      }
      continue;
    }
    checked += 1;
    const file = fileFor(root, target.pathname);
    if (!file) {
      broken.push(`${pagePath}: ${raw} (no file for ${target.pathname})`);
      continue;
    }
    if (target.hash && target.hash !== "#") {
      const id = decodeURIComponent(target.hash.slice(1));
      if (file.endsWith(".html") && !idsOf(file).has(id)) broken.push(`${pagePath}: ${raw} (no id "${id}" on ${target.pathname})`);
    }
  }
}

console.log(`links: ${pages.length} pages, ${checked} internal links checked, ${external.size} external links listed (not fetched):`);
for (const href of [...external].sort()) console.log(`  ${href}`);
if (broken.length > 0) {
  console.error(`links: ${broken.length} broken:`);
  for (const line of broken) console.error(`  ${line}`);
  process.exit(1);
}
