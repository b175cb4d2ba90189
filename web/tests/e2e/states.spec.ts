// The states every screen has besides the happy one: offline, a wait after 429, a busy
// server, a missing item, a file too large; a session ended by a replayed refresh token;
// a 360 px wide phone; a keyboard and nothing else.
import { expect, expectAccessible, PASSWORD, signUpAndVerify, test } from "./fixtures";

const problem = (status: number, code: string, detail: string, headers: Record<string, string> = {}) => ({
  status,
  headers: { "content-type": "application/problem+json", ...headers },
  body: JSON.stringify({ type: "about:blank", title: code, status, code, detail }),
});

test("offline, 429 with its wait, 503 and 404 are said plainly, and retrying recovers", async ({ page, softly }) => {
  await signUpAndVerify(page, softly);

  await page.route("**/v1/items?**", (route) => route.fulfill(problem(429, "rate_limited", "Too many requests", { "retry-after": "42" })));
  await page.getByRole("link", { name: "Items" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(/Try again in 42 seconds/);
  await expectAccessible(page, "items (429)");

  await page.unroute("**/v1/items?**");
  await page.route("**/v1/items?**", (route) => route.fulfill(problem(503, "unavailable", "The database is not answering")));
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("busy");

  await page.unroute("**/v1/items?**");
  await page.context().setOffline(true);
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("offline");
  await page.context().setOffline(false);
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByText("No items match")).toBeVisible();

  await page.goto(`${softly.url}/item?id=01900000-0000-7000-8000-000000000000`);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("not found");
  await page.goto(`${softly.url}/document?id=nope`);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("not found");

  await page.goto(`${softly.url}/vault`);
  await page.route("**/v1/documents/uploads", (route) => route.fulfill(problem(413, "payload_too_large", "Files may be up to 25 MiB.")));
  await page.getByLabel("Choose files to upload").setInputFiles([{ name: "huge.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") }]);
  await expect(page.getByRole("list", { name: "Uploads" }).getByRole("alert")).toContainText("too large");
});

test("a replayed refresh token signs the tab out with a clear message", async ({ page, softly }) => {
  await signUpAndVerify(page, softly);
  const spent = (await page.context().cookies()).find((c) => c.name === "softly_refresh");
  expect(spent).toBeTruthy();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Today" })).toBeVisible();
  // Past the API's 10 s grace for concurrent refreshes, the old token is a replay.
  await page.waitForTimeout(11_000);
  await page.context().addCookies([{ ...spent! }]);
  await page.reload();
  await expect(page.getByText("For your safety you were signed out")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("at 360 px nothing scrolls sideways, and a keyboard alone can sign in and add an item", async ({ page, softly }) => {
  const email = await signUpAndVerify(page, softly);
  await page.setViewportSize({ width: 360, height: 740 });
  for (const screen of ["/today", "/items", "/items/new", "/vault", "/settings"]) {
    await page.goto(`${softly.url}${screen}`);
    await expect(page.locator("h1")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${screen} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
  }

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByLabel("Email").focus();
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();

  await page.goto(`${softly.url}/items/new`);
  await page.getByLabel("Title").focus();
  await page.keyboard.type("Renew the TV licence");
  await page.getByRole("button", { name: "Add item" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Renew the TV licence" })).toBeVisible();
  const focusRing = await page.evaluate(() => {
    const button = [...document.querySelectorAll("button")].find((b) => b.textContent === "Edit")!;
    button.focus();
    return getComputedStyle(button).outlineStyle;
  });
  expect(focusRing).not.toBe("none");
});

test("dark mode keeps every colour readable", async ({ page, softly }) => {
  await page.emulateMedia({ colorScheme: "dark", reducedMotion: "reduce" });
  await signUpAndVerify(page, softly);
  await page.goto(`${softly.url}/items/new`);
  await page.getByLabel("Title").fill("Boiler service");
  await page.getByRole("button", { name: "Add item" }).click();
  await expect(page.getByRole("heading", { name: "Boiler service" })).toBeVisible();
  await expectAccessible(page, "item (dark)");
  for (const screen of ["/today", "/items", "/vault", "/settings", "/sign-up"]) {
    await page.goto(`${softly.url}${screen}`);
    await expect(page.locator("h1")).toBeVisible();
    await expectAccessible(page, `${screen} (dark)`);
  }
});
