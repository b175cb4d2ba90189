// A real `softly serve` on the embedded default, in its own data folder and on its own
// loopback port, serving this web app's build (out/): for the browser tests and Lighthouse.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { softlyBinary } from "./softly.mjs";

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

export async function startSoftly() {
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
      API_URL: url,
      WEB_DIR: path.join(web, "out"),
      JOB_POLL_INTERVAL_MS: "100",
      LOG_FORMAT: "json",
      RUST_LOG: "warn",
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
