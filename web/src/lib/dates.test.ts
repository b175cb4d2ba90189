import { expect, test } from "vitest";
import { addDays, daysBetween, formatDate, fromMinor, money, relativeDay, toMinor, todayIn } from "./dates";

test("civil dates never shift with zones", () => {
  const instant = new Date("2027-03-03T23:30:00Z");
  expect(todayIn("Europe/London", instant)).toBe("2027-03-03");
  expect(todayIn("Asia/Tokyo", instant)).toBe("2027-03-04");
  expect(todayIn("America/Los_Angeles", instant)).toBe("2027-03-03");
  expect(formatDate("2027-03-03", "en-GB")).toBe("3 Mar 2027");
});

test("day arithmetic crosses months, years and daylight saving", () => {
  expect(addDays("2027-02-27", 2)).toBe("2027-03-01");
  expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  expect(daysBetween("2027-03-27", "2027-03-29")).toBe(2);
  expect(relativeDay("2027-03-29", "2027-03-28")).toBe("tomorrow");
  expect(relativeDay("2027-03-25", "2027-03-28")).toBe("3 days ago");
});

test("money in its currency's minor units", () => {
  expect(money(42000, "GBP", "en-GB")).toBe("£420.00");
  expect(money(1500, "JPY", "en-GB")).toBe("JP¥1,500");
});

test("amounts typed in major units become minor units in the currency's own scale", () => {
  expect(toMinor("420.50", "GBP")).toBe(42050);
  expect(toMinor("420,5", "EUR")).toBe(42050);
  expect(toMinor("1500", "JPY")).toBe(1500);
  expect(fromMinor(42050, "GBP")).toBe("420.50");
  expect(fromMinor(1500, "JPY")).toBe("1500");
  expect(Number.isNaN(toMinor("about 400", "GBP"))).toBe(true);
});
