import { expect, expectAccessible, signUpAndVerify, test } from "./fixtures";

test("a yearly renewal shows its next date, its words and its reminder; changing time zone moves the reminder", async ({ page, softly }) => {
  await signUpAndVerify(page, softly);
  const year = new Date().getFullYear() + 1;

  await page.getByRole("link", { name: "New item" }).click();
  await expectAccessible(page, "new item");
  await page.getByLabel("Title").fill("Car insurance");
  await page.getByLabel("Kind").selectOption("renewal");
  await page.getByLabel("Category").selectOption("vehicle");
  await page.getByLabel("First due on").or(page.getByLabel("Due on")).fill(`${year}-03-03`);
  await page.getByLabel("How often").selectOption("YEARLY");
  await expect(page.getByTestId("repeat-words")).toHaveText("Repeats every year on 3 March");
  await page.getByLabel("Amount").fill("420");
  await page.getByRole("button", { name: "Add item" }).click();

  await expect(page.getByRole("heading", { name: "Car insurance" })).toBeVisible();
  await expect(page.getByTestId("next-due")).toContainText(`3 Mar ${year}`);
  await expect(page.getByText("every year on 3 March")).toBeVisible();
  await expect(page.getByText("£420.00")).toBeVisible();
  await expect(page.getByTestId("next-reminder")).not.toHaveText("None");
  await expectAccessible(page, "item");

  // An appointment at a time is fixed in the zone it was made in: its reminder, shown in
  // the user's zone, moves when the user moves.
  await page.goto(`${softly.url}/items/new`);
  await page.getByLabel("Title").fill("Dentist");
  await page.getByLabel("Kind").selectOption("appointment");
  await page.getByLabel("Due on").fill(`${year}-06-10`);
  await page.getByLabel("At (optional)").fill("10:00");
  await page.getByRole("button", { name: "Add item" }).click();
  await expect(page.getByRole("heading", { name: "Dentist" })).toBeVisible();
  const before = await page.getByTestId("next-reminder").textContent();
  const itemUrl = page.url();

  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await page.goto(itemUrl);
  await expect(page.getByRole("heading", { name: "Dentist" })).toBeVisible();
  await expect(page.getByTestId("next-reminder")).not.toHaveText(before ?? "");

  await page.getByRole("link", { name: "Items" }).click();
  await expect(page.getByRole("link", { name: "Car insurance" })).toBeVisible();
  await expectAccessible(page, "items");
  await page.getByLabel("Search").fill("dentist");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("link", { name: "Car insurance" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Dentist" })).toBeVisible();

  // Trash and restore.
  await page.getByRole("link", { name: "Dentist" }).click();
  await page.getByRole("button", { name: "Move to trash" }).click();
  await page.getByRole("link", { name: "Trash" }).click();
  await expectAccessible(page, "trash");
  await page.getByRole("button", { name: "Restore Dentist" }).click();
  await expect(page.getByText("The trash is empty")).toBeVisible();

  await page.getByRole("link", { name: "Today" }).click();
  await expectAccessible(page, "today");
});

test("editing a repeating item's title keeps its place in the series; a bad amount is shown at its field", async ({ page, softly }) => {
  await signUpAndVerify(page, softly);
  const year = new Date().getFullYear() + 1;
  await page.goto(`${softly.url}/items/new`);
  await page.getByLabel("Title").fill("Boiler service");
  await page.getByLabel("Due on").fill(`${year}-01-15`);
  await page.getByLabel("How often").selectOption("YEARLY");
  await page.getByLabel("Amount").fill("about ninety");
  await page.getByRole("button", { name: "Add item" }).click();
  await expect(page.getByLabel("Amount")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Amount").fill("90");
  await page.getByRole("button", { name: "Add item" }).click();
  await expect(page.getByRole("heading", { name: "Boiler service" })).toBeVisible();

  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("next-due")).toContainText(`15 Jan ${year + 1}`);
  await expect(page.getByRole("region", { name: "History" }).or(page.locator("section", { hasText: "History" }))).toContainText("completed");

  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Title").fill("Annual boiler service");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: "Annual boiler service" })).toBeVisible();
  await expect(page.getByTestId("next-due")).toContainText(`15 Jan ${year + 1}`);
  await expect(page.getByText("£90.00")).toBeVisible();
});
