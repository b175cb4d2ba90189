// A real `softly` per test: the embedded default (SQLite, local disk, mail as .eml files)
// in its own data folder, on its own loopback port, serving the exported web app.
import { test as base, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { spawn, type ChildProcess } from "node:child_process";
// The environment is given whole: nothing of the caller's (a DATABASE_URL, say) leaks in.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { softlyBinary } from "../../scripts/softly.mjs";

export const PASSWORD = "correct horse battery staple";

export type Softly = { url: string; dataDir: string; link: (to: string, subject: string, path: string) => Promise<string> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** The body of an .eml, quoted-printable decoded. */
export function decodeMail(raw: string): string {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

async function start(): Promise<{ softly: Softly; child: ChildProcess; output: string[] }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "softly-web-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(softlyBinary(), ["serve"], {
    env: {
      NODE_ENV: "test",
      PATH: process.env.PATH,
      SOFTLY_DATA_DIR: dataDir,
      PORT: String(port),
      API_URL: url,
      WEB_DIR: path.resolve("out"),
      JOB_POLL_INTERVAL_MS: "100",
      LOG_FORMAT: "json",
      RUST_LOG: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => output.push(String(chunk)));
  child.stderr?.on("data", (chunk: Buffer) => output.push(String(chunk)));
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      if ((await fetch(`${url}/up`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (attempt === 199) throw new Error(`softly did not start:\n${output.join("")}`);
  }
  const link = async (to: string, subject: string, linkPath: string) => {
    const folder = path.join(dataDir, "mail");
    for (let attempt = 0; attempt < 100; attempt++) {
      let files: string[] = [];
      try {
        files = readdirSync(folder).filter((f) => f.endsWith(".eml"));
      } catch {
        files = [];
      }
      for (const file of files) {
        const mail = decodeMail(readFileSync(path.join(folder, file), "utf8"));
        if (mail.includes(`To: ${to}`) || mail.includes(`<${to}>`)) {
          if (!mail.includes(subject)) continue;
          const found = mail.match(new RegExp(`https?://[^\\s"<>]*${linkPath.replace("?", "\\?")}[^\\s"<>]*`));
          if (found) return found[0].replaceAll("&amp;", "&");
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no email to ${to} with ${linkPath}`);
  };
  return { softly: { url, dataDir, link }, child, output };
}

export const test = base.extend<{ softly: Softly }>({
  softly: async ({}, use, testInfo) => {
    const { softly, child, output } = await start();
    await use(softly);
    child.kill("SIGTERM");
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach("softly.log", { body: output.join("") });
    rmSync(softly.dataDir, { recursive: true, force: true });
  },
});

export { expect };

/** axe-core on the page as it is: no serious or critical violation. */
export async function expectAccessible(page: Page, screen: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${screen}: ${v.id} ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** Signs up through the screens, follows the emailed link, signs in; returns the email. */
export async function signUpAndVerify(page: Page, softly: Softly, name = "Ada Lovelace"): Promise<string> {
  const email = `ada-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto(`${softly.url}/sign-up`);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  const link = await softly.link(email, "Confirm", "/verify-email?token=");
  await page.goto(link);
  await expect(page.getByText("Your email address is confirmed.")).toBeVisible();
  await page.getByRole("link", { name: "Sign in" }).click();
  await signIn(page, email);
  await expect(page.getByRole("heading", { name: "Today" })).toBeVisible();
  return email;
}

/** Signs in on the sign-in screen; lands on Today, or on the screen that sent there. */
export async function signIn(page: Page, email: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}
