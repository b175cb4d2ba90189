// The softly binary the docs are made from: SOFTLY_BIN, else the workspace's debug or
// release build, else one built now (`cargo build -p softly`: a fresh clone's first docs
// build takes the minutes that needs). The reference must come from the binary of the
// same commit, so there is no fallback to a stored copy.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const repo = path.resolve(docs, "..");

export function softlyBinary() {
  const candidates = [process.env.SOFTLY_BIN, path.join(repo, "target/debug/softly"), path.join(repo, "target/release/softly")];
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (found) return found;
  console.log("docs: no softly binary yet; building one (cargo build --locked -p softly)");
  execFileSync("cargo", ["build", "--locked", "-p", "softly"], { cwd: repo, stdio: "inherit" });
  return path.join(repo, "target/debug/softly");
}

/** The binary's answer to `softly <command>`, parsed as JSON. */
export function softlyJson(command) {
  return JSON.parse(execFileSync(softlyBinary(), [command], { encoding: "utf8", maxBuffer: 64 << 20 }));
}
