// After the build: every problem code has its anchor on the errors page the API's `type`
// URLs name, and every variable the binary reads is on the configuration page. Fails
// with what is missing.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { docs, repo, softlyJson } from "./softly.mjs";

const dist = path.join(docs, ".vitepress/dist");
const failures = [];

// The API's problem `type`: https://docs.mysoftly.app/errors#<code>.
const errorSource = readFileSync(path.join(repo, "backend/src/http/error.rs"), "utf8");
if (!errorSource.includes('"https://docs.mysoftly.app/errors#{}"')) {
  failures.push("backend/src/http/error.rs no longer links problems to https://docs.mysoftly.app/errors#<code>");
}
const errorsPage = readFileSync(path.join(dist, "errors.html"), "utf8");
const codes = softlyJson("codes");
for (const { code } of codes) {
  if (!errorsPage.includes(`id="${code}"`)) failures.push(`errors page: no anchor for code ${code}`);
}

// Every variable the configuration reads, by the one way it reads them: lookup("NAME").
function sources(folder) {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith(".rs") ? [full] : [];
  });
}
const variables = new Set();
for (const file of sources(path.join(repo, "backend/src"))) {
  for (const match of readFileSync(file, "utf8").matchAll(/lookup\("([A-Z][A-Z0-9_]+)"\)/g)) variables.add(match[1]);
}
const configurationPage = readFileSync(path.join(dist, "self-hosting/configuration.html"), "utf8");
for (const variable of [...variables].sort()) {
  if (!configurationPage.includes(`<code>${variable}</code>`)) failures.push(`configuration page: ${variable} is read by the binary but not documented`);
}

if (failures.length) {
  console.error(`docs check: ${failures.length} problem(s):\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`docs check: ${codes.length} codes anchored on /errors, ${variables.size} configuration variables documented`);
