import { expect, test } from "vitest";
import { addDays, daysBetween, formatDate, money, relativeDay, todayIn } from "./dates";

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
