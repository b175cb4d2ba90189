import { startFakes, startSoftly } from "../../scripts/serve.mjs";
import { expect, expectAccessible, signUpAndVerify, test } from "./fixtures";
import { pdf, png } from "./files";

// Chromium's fake microphone (a steady beep) stands in for a voice; the fake Deepgram
// (testbed, the real wire) says what the test wants it to have heard.
test.use({
  launchOptions: {
    executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
    args: ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
  },
  permissions: ["microphone"],
});

test("typed capture: proposals reviewed, edited and saved as items; voice is explained when off", async ({ page, softly }) => {
  await signUpAndVerify(page, softly);
  await page.getByRole("link", { name: "Capture" }).click();
  await expect(page.getByRole("heading", { name: "Capture" })).toBeVisible();
  await expect(page.getByText("Voice notes are not set up on this server")).toBeVisible();
  await expect(page.getByRole("button", { name: "Record" })).toHaveCount(0);
  await expectAccessible(page, "capture");

  await page.getByLabel("What to remember").fill("Renew the car insurance before the 3rd of March, it's about £420. Dentist appointment next Friday at 3pm");
  await page.getByRole("button", { name: "Read it" }).click();
  await expect(page.getByRole("heading", { name: "Review" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Renew the car insurance" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Dentist appointment" })).toBeVisible();
  await expectAccessible(page, "review");

  const insurance = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Renew the car insurance" }) });
  await expect(insurance.getByLabel("Amount (GBP)")).toHaveValue("420.00");
  await insurance.getByLabel("Title").fill("Renew car insurance (Admiral)");
  const dentist = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Dentist appointment" }) });
  await dentist.getByLabel("Keep").uncheck();
  await page.getByRole("button", { name: "Save 1 item" }).click();
  await expect(page.getByRole("heading", { name: "Today" })).toBeVisible();

  await page.getByRole("link", { name: "Items" }).click();
  await expect(page.getByRole("link", { name: "Renew car insurance (Admiral)" })).toBeVisible();
  await expect(page.getByText("Dentist appointment")).toHaveCount(0);
});

test("voice note: recorded with a level meter, transcribed by the fake Deepgram, reviewed and saved", async ({ page }) => {
  const fakes = await startFakes({ says: "Pay the rent on the 1st, it's £950" });
  const { DEEPGRAM_URL = "", DEEPGRAM_API_KEY = "" } = fakes.env;
  const softly = await startSoftly({ env: { DEEPGRAM_URL, DEEPGRAM_API_KEY } });
  try {
    await signUpAndVerify(page, softly);
    await page.getByRole("link", { name: "Capture" }).click();
    await page.getByRole("button", { name: "Record" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Recording" })).toBeVisible();
    await expect.poll(async () => Number(await page.getByRole("meter", { name: "Microphone level" }).getAttribute("aria-valuenow"))).toBeGreaterThan(0);
    await expect(page.getByText(/^0:02 \//)).toBeVisible();
    await page.getByRole("button", { name: "Stop and send" }).click();

    await expect(page.getByRole("heading", { name: "Review" })).toBeVisible();
    await expect(page.getByText("You said")).toBeVisible();
    await expect(page.getByText("Pay the rent on the 1st, it's £950")).toBeVisible();
    const rent = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Pay the rent" }) });
    await expect(rent.getByLabel("Kind")).toHaveValue("bill");
    await page.getByRole("button", { name: "Save 1 item" }).click();
    await page.getByRole("link", { name: "Items" }).click();
    await expect(page.getByRole("link", { name: "Pay the rent" })).toBeVisible();
  } finally {
    softly.stop();
    fakes.stop();
  }
});

test("AI document reading: off until turned on in settings, then suggestions are reviewed and applied", async ({ page }) => {
  const fakes = await startFakes({
    toolInput: {
      kind: { value: "passport", confidence: 0.96 },
      title: { value: "UK passport", confidence: 0.9 },
      issuing_country: { value: "GBR", confidence: 0.95 },
      expires_on: { value: "2031-05-14", confidence: 0.93 },
      document_number: { value: "123456789", confidence: 0.8 },
    },
  });
  const softly = await startSoftly({ env: fakes.env });
  try {
    await signUpAndVerify(page, softly);
    await page.getByRole("link", { name: "Settings" }).click();
    await expect(page.getByText("AI document reading is off.")).toBeVisible();
    await page.getByRole("button", { name: "Turn on AI document reading" }).click();
    await expect(page.getByText("AI document reading is on.")).toBeVisible();
    await expectAccessible(page, "settings");

    await page.getByRole("link", { name: "Vault" }).click();
    await page.getByLabel("Choose files to upload").setInputFiles([{ name: "passport.png", mimeType: "image/png", buffer: png(300, 200) }]);
    await page.getByRole("link", { name: /passport/ }).click();
    await expect(page.getByRole("heading", { name: "Suggested details" })).toBeVisible();
    const suggested = page.getByRole("region", { name: "Suggested details" });
    await expect(suggested.getByLabel("Kind")).toHaveValue("passport");
    await expect(suggested.getByLabel("Expires on")).toHaveValue("2031-05-14");
    await expect(suggested.getByLabel("Notes")).toHaveValue(/Number •••• 6789/);
    await expectAccessible(page, "document suggestions");
    await suggested.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByText("The suggested details were applied.")).toBeVisible();
    await expect(page.getByText("14 May 2031")).toBeVisible();
  } finally {
    softly.stop();
    fakes.stop();
  }
});

test("without a model, a PDF's labelled expiry date is suggested from its text", async ({ page, softly }) => {
  await signUpAndVerify(page, softly);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByText("This server has no AI model set up")).toBeVisible();
  await page.getByRole("link", { name: "Vault" }).click();
  await page.getByLabel("Choose files to upload").setInputFiles([{ name: "passport.pdf", mimeType: "application/pdf", buffer: pdf("Passport  Date of expiry 03 MAR 2029") }]);
  await page.getByRole("link", { name: /passport/ }).click();
  const suggested = page.getByRole("region", { name: "Suggested details" });
  await expect(suggested.getByLabel("Expires on")).toHaveValue("2029-03-03");
  await expect(suggested.getByText("Read on Softly's server.", { exact: false })).toBeVisible();
});
