import { readFileSync } from "node:fs";
import { expect, expectAccessible, PASSWORD, signUpAndVerify, test } from "./fixtures";
import { pdf, png } from "./files";

test("two files at once: both progress bars finish, the thumbnail appears, the file downloads whole", async ({ page, softly }) => {
  await signUpAndVerify(page, softly);
  await page.getByRole("link", { name: "Vault" }).click();
  await expect(page.getByText("Your vault is empty")).toBeVisible();
  await expectAccessible(page, "vault (empty)");

  const photo = png(900, 700);
  await page.getByLabel("Choose files to upload").setInputFiles([
    { name: "passport.png", mimeType: "image/png", buffer: photo },
    { name: "insurance.pdf", mimeType: "application/pdf", buffer: pdf("Car insurance policy") },
  ]);
  const uploads = page.getByRole("list", { name: "Uploads" });
  await expect(uploads.locator("progress")).toHaveCount(2);
  await expect(uploads.locator('progress[data-done="true"]')).toHaveCount(2);
  await expect(uploads.getByText("Done")).toHaveCount(2);

  await expect(page.getByRole("link", { name: /passport/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /insurance/ })).toBeVisible();
  await expect(page.getByTestId("thumbnail")).toHaveCount(1);
  await expectAccessible(page, "vault");

  await page.getByRole("link", { name: /passport/ }).click();
  await expect(page.getByRole("img", { name: "passport" })).toBeVisible();
  await expectAccessible(page, "document");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download" }).click()]);
  expect(download.suggestedFilename()).toBe("passport.png");
  expect(readFileSync(await download.path()).equals(photo)).toBe(true);

  // Edit its details: a bad date is shown at its field, a good one is kept.
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Kind").selectOption("passport");
  await page.getByLabel("Issued on").fill("2030-01-01");
  await page.getByLabel("Expires on").fill("2029-01-01");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByLabel("Expires on")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Issued on").fill("2019-01-01");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("1 Jan 2029")).toBeVisible();

  // An item about it links to it by name.
  await page.goto(`${softly.url}/items/new`);
  await page.getByLabel("Title").fill("Renew the passport");
  await page.getByLabel("passport", { exact: true }).check();
  await page.getByRole("button", { name: "Add item" }).click();
  await page.getByRole("link", { name: "passport", exact: true }).click();
  await expect(page.getByRole("heading", { name: "passport" })).toBeVisible();
});

test("a file the vault does not take is refused with a clear message", async ({ page, softly }) => {
  await signUpAndVerify(page, softly);
  await page.getByRole("link", { name: "Vault" }).click();
  await page.getByLabel("Choose files to upload").setInputFiles([{ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("just text") }]);
  await expect(page.getByRole("list", { name: "Uploads" }).getByRole("alert")).toBeVisible();
  await expect(page.getByRole("list", { name: "Uploads" }).getByText("Failed")).toBeVisible();
});

test("a long vault loads more on request", async ({ page, softly }) => {
  const email = await signUpAndVerify(page, softly);
  const login = await fetch(`${softly.url}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const { access_token } = (await login.json()) as { access_token: string };
  for (let n = 0; n < 61; n++) {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(png(8, 8, n + 1))], { type: "image/png" }), `scan-${n}.png`);
    const stored = await fetch(`${softly.url}/v1/documents`, { method: "POST", headers: { authorization: `Bearer ${access_token}` }, body: form });
    expect(stored.status).toBe(201);
  }
  await page.getByRole("link", { name: "Vault" }).click();
  const cards = page.getByRole("main").getByRole("listitem");
  await expect(cards).toHaveCount(60);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(cards).toHaveCount(61);
  await expect(page.getByRole("link", { name: /^scan-0/ })).toBeVisible();
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
});

test("where the direct path is not offered, a file goes by the multipart endpoint with its progress", async ({ page, softly }) => {
  await signUpAndVerify(page, softly);
  await page.route("**/v1/documents/uploads", (route) =>
    route.fulfill({ status: 404, contentType: "application/problem+json", body: JSON.stringify({ status: 404, code: "not_found", detail: "No such route" }) }),
  );
  const multipart = page.waitForRequest((request) => request.method() === "POST" && request.url().endsWith("/v1/documents"));
  await page.getByRole("link", { name: "Vault" }).click();
  await page.getByLabel("Choose files to upload").setInputFiles([{ name: "receipt.png", mimeType: "image/png", buffer: png(300, 200, 5) }]);
  await multipart;
  await expect(page.getByRole("list", { name: "Uploads" }).locator('progress[data-done="true"]')).toHaveCount(1);
  await expect(page.getByRole("link", { name: /receipt/ })).toBeVisible();
  await expect(page.getByTestId("thumbnail")).toHaveCount(1);
});
