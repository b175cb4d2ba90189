// Pictures of the sites as built, for the README and for reviews: the landing page at
// 1280 and at 390 px wide, and a docs page (when docs/ has been built), each served as
// Pages serves it. Writes landing/screenshots/.
//
//   npm run build && (cd ../docs && npm run build) && npm run pictures
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../.ci/sites/serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, "../screenshots");
mkdirSync(out, { recursive: true });
const shots = [
  { dist: path.resolve(here, "../dist"), page: "/", width: 1280, name: "landing-desktop.png" },
  { dist: path.resolve(here, "../dist"), page: "/", width: 390, name: "landing-390.png" },
  { dist: path.resolve(here, "../../docs/.vitepress/dist"), page: "/guide/items", width: 1280, name: "docs-items.png" },
];
const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium" });
try {
  for (const shot of shots) {
    if (!existsSync(shot.dist)) {
      console.log(`${shot.name}: ${shot.dist} is not built; skipped`);
      continue;
    }
    const site = await serve(shot.dist);
    const page = await browser.newPage({ viewport: { width: shot.width, height: 900 } });
    await page.goto(`${site.url}${shot.page}`);
    await page.screenshot({ path: path.join(out, shot.name) });
    await page.close();
    await site.close();
    console.log(`${shot.name}: ${shot.page} at ${shot.width} px`);
  }
} finally {
  await browser.close();
}
