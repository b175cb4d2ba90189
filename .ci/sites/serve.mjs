// Serves a built static site on loopback as Cloudflare Pages would: files, `/path` from
// `path.html` or `path/index.html`, 404.html for the rest, and the headers `_headers`
// gives `/*`. For Lighthouse and browser checks; no dependencies.
//
//   import { serve } from "../../.ci/sites/serve.mjs";
//   const site = await serve("dist"); … site.url … await site.close();
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

/** The headers `_headers` sets for every path (`/*`), without those only HTTPS may send. */
function everyPathHeaders(root) {
  const file = path.join(root, "_headers");
  if (!existsSync(file)) return {};
  const headers = {};
  let inAll = false;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      inAll = line.trim() === "/*";
      continue;
    }
    const at = line.indexOf(":");
    if (inAll && at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  delete headers["Strict-Transport-Security"];
  // Loopback is plain HTTP: upgrading would send the browser nowhere.
  if (headers["Content-Security-Policy"]) {
    headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(/;\s*upgrade-insecure-requests/, "");
  }
  return headers;
}

/** The built file Pages answers `pathname` with (`/a` from `a`, `a.html` or
 * `a/index.html`), or undefined. */
export function fileFor(root, pathname) {
  const clean = decodeURIComponent(pathname);
  const candidates = clean.endsWith("/")
    ? [path.join(root, clean, "index.html")]
    : [path.join(root, clean), path.join(root, `${clean}.html`), path.join(root, clean, "index.html")];
  return candidates.find((c) => c.startsWith(root) && existsSync(c) && statSync(c).isFile());
}

export async function serve(folder) {
  const root = path.resolve(folder);
  const headers = everyPathHeaders(root);
  const find = (pathname) => fileFor(root, pathname);
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url, "http://localhost");
    const file = find(pathname);
    const status = file ? 200 : 404;
    const body = readFileSync(file ?? path.join(root, "404.html"));
    const type = TYPES[path.extname(file ?? "404.html")] ?? "application/octet-stream";
    response.writeHead(status, { ...headers, "Content-Type": type, "Content-Length": body.length });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}
