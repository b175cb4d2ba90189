// The README's pictures of Today, an item and the vault, taken from the real app with a
// few realistic things in it. Written only when SOFTLY_SCREENSHOTS names a folder.
import { expect, signUpAndVerify, test } from "./fixtures";
import { documentPng } from "./files";

const folder = process.env.SOFTLY_SCREENSHOTS;

test.skip(!folder, "set SOFTLY_SCREENSHOTS=<folder> to take the README's screenshots");

test("screenshots of Today, an item and the vault", async ({ page, softly }) => {
  await page.setViewportSize({ width: 1100, height: 760 });
  await signUpAndVerify(page, softly, "Sam Taylor");
  const today = new Date();
  const inDays = (days: number) => new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);
  const items = [
    { kind: "bill", title: "Council tax", category: "home", due_on: inDays(-2), amount_minor: 16500, currency: "GBP", payee: "Borough council", recurrence: "FREQ=MONTHLY" },
    { kind: "renewal", title: "Car insurance", category: "vehicle", due_on: inDays(3), amount_minor: 42000, currency: "GBP", recurrence: "FREQ=YEARLY" },
    { kind: "appointment", title: "Dentist check-up", category: "health", due_on: inDays(5), due_time: "10:30" },
    { kind: "expiry", title: "Passport renewal", category: "identity", due_on: inDays(18), expires_on: inDays(200) },
    { kind: "todo", title: "Book the boiler service", category: "home", due_on: inDays(24), recurrence: "FREQ=YEARLY", repeat_from: "completion" },
  ];
  for (const item of items) {
    await page.goto(`${softly.url}/items/new`);
    await page.getByLabel("Title").fill(item.title);
    await page.getByLabel("Kind").selectOption(item.kind);
    await page.getByLabel("Category").selectOption(item.category);
    await page.getByLabel("Due on").fill(item.due_on);
    if (item.due_time) await page.getByLabel("At (optional)").fill(item.due_time);
    if (item.recurrence) await page.getByLabel("How often").selectOption(item.recurrence.slice(5));
    if (item.repeat_from) await page.getByLabel("Counted from").selectOption("completion");
    if (item.amount_minor) await page.getByLabel("Amount").fill(String(item.amount_minor / 100));
    await page.getByRole("button", { name: "Add item" }).click();
    await expect(page.getByRole("heading", { name: item.title })).toBeVisible();
  }
  await page.getByRole("link", { name: "Today" }).click();
  await expect(page.getByText("Council tax")).toBeVisible();
  await page.getByRole("link", { name: "Car insurance" }).click();
  await expect(page.getByTestId("next-reminder")).toBeVisible();
  await page.screenshot({ path: `${folder}/item.png` });
  await page.getByRole("link", { name: "Today" }).click();
  await expect(page.getByText("Council tax")).toBeVisible();
  await page.screenshot({ path: `${folder}/today.png`, fullPage: true });

  await page.getByRole("link", { name: "Vault" }).click();
  await page.getByLabel("Choose files to upload").setInputFiles([
    { name: "Passport.png", mimeType: "image/png", buffer: documentPng(640, 440, [122, 30, 45]) },
    { name: "Driving licence.png", mimeType: "image/png", buffer: documentPng(640, 400, [214, 120, 160]) },
    { name: "Home insurance.png", mimeType: "image/png", buffer: documentPng(600, 800, [47, 107, 79]) },
  ]);
  await expect(page.getByTestId("thumbnail")).toHaveCount(3, { timeout: 20_000 });
  await page.reload();
  await expect(page.getByTestId("thumbnail")).toHaveCount(3);
  await page.screenshot({ path: `${folder}/vault.png` });
});
