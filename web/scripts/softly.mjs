// The binaries the web checks run against: SOFTLY_BIN (and SOFTLY_FAKES_BIN), else the
// workspace's debug builds, brought up to date first (a no-op when they are), so a check
// never runs an old binary. Built together, so they share one feature set with every other
// build (.ci/same-features).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let built = false;

function build() {
  if (!built) {
    execFileSync("cargo", ["build", "--locked", "--quiet", "-p", "softly", "-p", "softly-testbed", "--bin", "softly", "--bin", "fake-providers"], {
      cwd: root,
      stdio: "inherit",
    });
    built = true;
  }
}

export function softlyBinary() {
  if (process.env.SOFTLY_BIN) return process.env.SOFTLY_BIN;
  build();
  return path.join(root, "target", "debug", "softly");
}

/** The fake Deepgram and Anthropic servers (testbed/src/bin/fake-providers.rs). */
export function fakesBinary() {
  if (process.env.SOFTLY_FAKES_BIN) return process.env.SOFTLY_FAKES_BIN;
  build();
  return path.join(root, "target", "debug", "fake-providers");
}
