// The softly binary the web checks run against: SOFTLY_BIN, else the workspace's release
// build, else its debug build (built by `cargo build` if neither exists).
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function softlyBinary() {
  if (process.env.SOFTLY_BIN) return process.env.SOFTLY_BIN;
  for (const profile of ["release", "debug"]) {
    const candidate = path.join(root, "target", profile, "softly");
    if (existsSync(candidate)) return candidate;
  }
  execFileSync("cargo", ["build", "--locked", "-p", "softly"], { cwd: root, stdio: "inherit" });
  return path.join(root, "target", "debug", "softly");
}
