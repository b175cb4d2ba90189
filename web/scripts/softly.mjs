// The softly binary the web checks run against: SOFTLY_BIN, else the workspace's debug
// build, brought up to date first (a no-op when it is), so a check never runs an old binary.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let built = null;

export function softlyBinary() {
  if (process.env.SOFTLY_BIN) return process.env.SOFTLY_BIN;
  if (!built) {
    execFileSync("cargo", ["build", "--locked", "--quiet", "-p", "softly"], { cwd: root, stdio: "inherit" });
    built = path.join(root, "target", "debug", "softly");
  }
  return built;
}
