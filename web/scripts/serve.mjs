// A real `softly serve` on the embedded default, in its own data folder and on its own
// loopback port, serving this web app's build (out/): for the browser tests and Lighthouse.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fakesBinary, softlyBinary } from "./softly.mjs";

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

/** An .eml's text with its quoted-printable soft breaks and escapes undone. */
function decodeMail(raw) {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

/** The fake Deepgram and Anthropic (testbed's fakes, their real wire): their URLs and keys,
 * and `stop`. `says` is what every recording transcribes to; `toolInput` what the model answers. */
export async function startFakes({ says = "", toolInput = null } = {}) {
  const child = spawn(fakesBinary(), [], {
    env: { PATH: process.env.PATH, FAKE_DEEPGRAM_SAYS: says, ...(toolInput ? { FAKE_ANTHROPIC_TOOL_INPUT: JSON.stringify(toolInput) } : {}) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const first = await new Promise((resolve, reject) => {
    let buffered = "";
    child.stdout.on("data", (chunk) => {
      buffered += String(chunk);
      const end = buffered.indexOf("\n");
      if (end >= 0) resolve(buffered.slice(0, end));
    });
    child.on("exit", (code) => reject(new Error(`fake-providers exited with ${code}`)));
    setTimeout(() => reject(new Error("fake-providers did not start in 10 s")), 10_000);
  });
  const urls = JSON.parse(first);
  return {
    env: {
      DEEPGRAM_URL: urls.deepgram_url,
      DEEPGRAM_API_KEY: urls.deepgram_key,
      ANTHROPIC_URL: urls.anthropic_url,
      ANTHROPIC_API_KEY: urls.anthropic_key,
    },
    stop: () => child.kill("SIGTERM"),
  };
}

export async function startSoftly({ env = {} } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "softly-web-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output = [];
  // The environment is given whole: nothing of the caller's (a DATABASE_URL, say) leaks in.
  const child = spawn(softlyBinary(), ["serve"], {
    env: {
      PATH: process.env.PATH,
      SOFTLY_DATA_DIR: dataDir,
      PORT: String(port),
      // Parallel workers each start one: no fixed metrics port.
      METRICS_PORT: "0",
      API_URL: url,
      WEB_DIR: path.join(web, "out"),
      JOB_POLL_INTERVAL_MS: "100",
      LOG_FORMAT: "json",
      RUST_LOG: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk) => output.push(String(chunk)));
  child.stderr.on("data", (chunk) => output.push(String(chunk)));
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`${url}/up`)).ok) break;
    } catch {
      if (attempt >= 200) throw new Error(`softly did not start:\n${output.join("")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The link containing `linkPath` in the newest email to `to` whose text has `subject`,
   * once at least `count` such emails have arrived (a resent link replaces the first). */
  async function link(to, subject, linkPath, count = 1) {
    const folder = path.join(dataDir, "mail");
    const pattern = new RegExp(`https?://[^\\s"<>]*${linkPath.replace("?", "\\?")}[^\\s"<>]*`);
    for (let attempt = 0; attempt < 100; attempt++) {
      let files = [];
      try {
        files = readdirSync(folder).filter((f) => f.endsWith(".eml"));
      } catch {
        files = [];
      }
      const found = files
        .map((file) => ({ file, at: statSync(path.join(folder, file)).mtimeMs, mail: decodeMail(readFileSync(path.join(folder, file), "utf8")) }))
        .filter(({ mail }) => (mail.includes(`<${to}>`) || mail.includes(`To: ${to}`)) && mail.includes(subject) && pattern.test(mail))
        .sort((a, b) => b.at - a.at || b.file.localeCompare(a.file));
      if (found.length >= count) return found[0].mail.match(pattern)[0].replaceAll("&amp;", "&");
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no ${count} email(s) to ${to} with ${linkPath}`);
  }

  function stop() {
    child.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  }

  return { url, dataDir, link, stop, log: () => output.join("") };
}
