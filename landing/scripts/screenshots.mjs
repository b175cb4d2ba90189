// Before a build: the web app's screenshots (web/screenshots, refreshed by its browser
// tests) into public/screenshots, so the landing page shows the app as it is and the
// images are kept in one place.
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const from = path.resolve(here, "../../web/screenshots");
const to = path.resolve(here, "../public/screenshots");
mkdirSync(to, { recursive: true });
const names = readdirSync(from).filter((name) => name.endsWith(".png"));
if (names.length === 0) throw new Error(`no screenshots in ${from}`);
for (const name of names) copyFileSync(path.join(from, name), path.join(to, name));
console.log(`screenshots: ${names.join(", ")}`);
