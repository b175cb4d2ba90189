import { expect, expectAccessible, PASSWORD, signIn, signUpAndVerify, test } from "./fixtures";

test("sign up, verify by email, sign in, stay signed in on reload, sign out everywhere, delete the account", async ({ page, softly, browser }) => {
  await page.goto(`${softly.url}/sign-up`);
  await expectAccessible(page, "sign up");
  const email = await signUpAndVerify(page, softly);
  await expectAccessible(page, "today (empty)");
  await expect(page.getByText("Nothing due in the next 30 days")).toBeVisible();

  // The access token is in memory only; the refresh cookie brings the session back.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Today" })).toBeVisible();
  const cookies = await page.context().cookies();
  const refresh = cookies.find((c) => c.name === "softly_refresh");
  expect(refresh?.httpOnly).toBe(true);
  expect(refresh?.sameSite).toBe("Strict");
  expect(await page.evaluate(() => document.cookie)).not.toContain("softly_refresh");

  // A second device, then sign out everywhere from the first.
  const other = await browser.newContext({ locale: "en-GB", timezoneId: "Europe/London" });
  const phone = await other.newPage();
  await phone.goto(`${softly.url}/sign-in`);
  await signIn(phone, email);

  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Signed-in devices" })).toBeVisible();
  await expect(page.getByText("(this device)")).toBeVisible();
  await expectAccessible(page, "settings");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByText("You are signed out on every device.")).toBeVisible();
  await phone.reload();
  await expect(phone.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await other.close();

  // Delete the account: a wrong password is refused at its field, the right one deletes.
  await signIn(page, email);
  await page.getByRole("link", { name: "Settings" }).click();
  const confirm = page.getByLabel("Your password, to confirm");
  await confirm.fill("not my password at all");
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByText("The password is wrong.")).toBeVisible();
  await confirm.fill(PASSWORD);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByText("Your account and everything in it were deleted.")).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("wrong");
});

test("bad input is shown at its field and changes nothing; the sign-in screens are accessible", async ({ page, softly }) => {
  await page.goto(`${softly.url}/sign-up`);
  await page.getByLabel("Your name").fill("Ada");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Email").fill("ada@example.com");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "sign up with an error");

  for (const screen of ["/sign-in", "/forgot-password", "/reset-password?token=nope", "/verify-email?token=nope"]) {
    await page.goto(`${softly.url}${screen}`);
    await expect(page.locator("h1")).toBeVisible();
    await expectAccessible(page, screen);
  }
  await expect(page.getByRole("main").getByRole("alert")).toContainText("invalid");

  // A page that needs a session sends a visitor to sign in, and back afterwards.
  await page.goto(`${softly.url}/vault`);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fvault/);
});

test("an unconfirmed user is told, can send a new link, and confirms with it", async ({ page, softly }) => {
  const email = `late-${Date.now()}@example.com`;
  await page.goto(`${softly.url}/sign-up`);
  await page.getByLabel("Your name").fill("Grace");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("link", { name: "Go to sign in" }).click();
  await signIn(page, email);
  await expect(page.getByText("Confirm your email address to store documents")).toBeVisible();
  await page.getByRole("link", { name: "send a new one" }).click();
  await page.getByRole("button", { name: "Send a new link" }).click();
  await expect(page.getByText("A new link is on its way.")).toBeVisible();
  await page.goto(await softly.link(email, "Confirm", "/verify-email?token=", 2));
  await expect(page.getByText("Your email address is confirmed.")).toBeVisible();
  await page.getByRole("link", { name: "Go to Today" }).click();
  await expect(page.getByText("Confirm your email address to store documents")).toHaveCount(0);
});
