// A real `softly` per test (scripts/serve.mjs): the embedded default (SQLite, local disk,
// mail as .eml files) in its own data folder, on its own port, serving the exported app.
import { test as base, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { startSoftly, type Softly } from "../../scripts/serve.mjs";

export const PASSWORD = "correct horse battery staple";
export type { Softly };

export const test = base.extend<{ softly: Softly }>({
  // Every page runs under the served Content-Security-Policy: anything it refuses fails the test.
  page: async ({ page }, use) => {
    const refused: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" && message.text().includes("Content Security Policy")) refused.push(message.text());
    });
    await use(page);
    expect(refused, "refused by the Content-Security-Policy").toEqual([]);
  },
  softly: async ({}, use, testInfo) => {
    const softly = await startSoftly();
    await use(softly);
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach("softly.log", { body: softly.log() });
    softly.stop();
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
