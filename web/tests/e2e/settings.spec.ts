import { startSoftly } from "../../scripts/serve.mjs";
import { expect, signUpAndVerify, test } from "./fixtures";

test("reminder time and digest are kept; the calendar feed is created, rotated and turned off", async ({ page, softly }) => {
  await signUpAndVerify(page, softly);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Time of day").fill("08:30");
  await page.getByLabel("Emails").selectOption("digest");
  await page.getByRole("button", { name: "Save reminders" }).click();
  await expect(page.getByRole("region", { name: "Reminders" }).getByText("Saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Time of day")).toHaveValue("08:30");
  await expect(page.getByLabel("Emails")).toHaveValue("digest");

  await page.getByRole("button", { name: "Create a calendar feed" }).click();
  const address = page.getByLabel("Calendar feed address");
  await expect(address).toHaveValue(new RegExp(`^${softly.url}/v1/calendar/.+\\.ics$`));
  const first = await address.inputValue();
  const feed = await fetch(first);
  expect(feed.status).toBe(200);
  expect(await feed.text()).toContain("BEGIN:VCALENDAR");
  await page.getByRole("button", { name: "Make a new address" }).click();
  await expect(address).not.toHaveValue(first);
  expect((await fetch(first)).status).toBe(404);
  await page.getByRole("button", { name: "Turn off" }).click();
  await expect(page.getByRole("button", { name: "Create a calendar feed" })).toBeVisible();
});

test("a plan without the daily digest does not offer it", async ({ page }) => {
  const softly = await startSoftly({ env: { FREE_DIGEST: "false" } });
  try {
    await signUpAndVerify(page, softly);
    await page.getByRole("link", { name: "Settings" }).click();
    await expect(page.getByText("A daily digest is not part of your plan.")).toBeVisible();
    await expect(page.getByRole("option", { name: "One digest a day" })).toBeDisabled();
    await expect(page.getByLabel("Emails")).toHaveValue("single");
  } finally {
    softly.stop();
  }
});
