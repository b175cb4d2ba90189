// After `next build`: each page's Content-Security-Policy into Cloudflare's out/_headers.
// Next.js inlines its bootstrap scripts into every page; the policy allows exactly those,
// by SHA-256, and no other inline script. `/*` carries the 404 page's policy (Pages
// serves 404.html for unknown paths); each page's own rule replaces it (`!` detaches).
// The same policy as `softly serve` sends (backend/src/http/web_app.rs), plus the API's
// origin and the vault bucket (presigned uploads and downloads) in connect-src.
import { createHash } from "node:crypto";
import { appendFileSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../out");
const CONNECT = "'self' https://api.mysoftly.app https://*.s3.eu-west-2.amazonaws.com";

export function inlineScriptHashes(html) {
  const hashes = [];
  for (const match of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (/\ssrc=/.test(match[1])) continue;
    const hash = createHash("sha256").update(match[2], "utf8").digest("base64");
    if (!hashes.includes(hash)) hashes.push(hash);
  }
  return hashes;
}

export function policy(hashes) {
  const scripts = hashes.map((hash) => ` 'sha256-${hash}'`).join("");
  return (
    `default-src 'self'; script-src 'self'${scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; ` +
    `font-src 'self'; connect-src ${CONNECT}; frame-src 'self' blob:; object-src 'none'; base-uri 'self'; ` +
    `form-action 'self'; frame-ancestors 'none'`
  );
}

function pages(folder, prefix = "") {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    if (statSync(full).isDirectory()) return name === "_next" ? [] : pages(full, `${prefix}${name}/`);
    return name.endsWith(".html") ? [`${prefix}${name}`] : [];
  });
}

const rules = [];
const csp = (file) => policy(inlineScriptHashes(readFileSync(path.join(out, file), "utf8")));
rules.push(`/*\n  Content-Security-Policy: ${csp("404.html")}`);
for (const file of pages(out).sort()) {
  if (file === "404.html" || file === "_not-found.html") continue;
  const route = file === "index.html" ? "/" : `/${file.replace(/\.html$/, "")}`;
  rules.push(`${route}\n  ! Content-Security-Policy\n  Content-Security-Policy: ${csp(file)}`);
}
appendFileSync(path.join(out, "_headers"), `\n${rules.join("\n\n")}\n`);
console.log(`out/_headers: a Content-Security-Policy for each of ${rules.length} routes`);
