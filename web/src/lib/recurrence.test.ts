import { describe as suite, expect, test } from "vitest";
import { defaultRecurrence, describe, fromRrule, toRrule } from "./recurrence";

suite("the recurrence builder", () => {
  test("reads a yearly rule back in words and writes its RRULE", () => {
    const rule = defaultRecurrence("YEARLY");
    expect(describe(rule, "2027-03-03")).toBe("every year on 3 March");
    expect(toRrule(rule, "2027-03-03")).toBe("FREQ=YEARLY");
  });

  test("the last Friday of every month", () => {
    const rule = { ...defaultRecurrence("MONTHLY"), monthly: "weekday" as const };
    expect(describe(rule, "2027-01-29")).toBe("on the last Friday of every month");
    expect(toRrule(rule, "2027-01-29")).toBe("FREQ=MONTHLY;BYDAY=-1FR");
    expect(toRrule(rule, "2027-01-08")).toBe("FREQ=MONTHLY;BYDAY=2FR");
    expect(describe(rule, "2027-01-08")).toBe("on the second Friday of every month");
  });

  test("every 3 months from when it was done", () => {
    const rule = { ...defaultRecurrence("MONTHLY"), interval: 3, fromCompletion: true, monthly: "weekday" as const };
    expect(describe(rule, "2027-01-29")).toBe("every 3 months from when it was done");
    expect(toRrule(rule, "2027-01-29")).toBe("FREQ=MONTHLY;INTERVAL=3");
  });

  test("ends after a count or on a date, and round-trips", () => {
    const counted = { ...defaultRecurrence("WEEKLY"), interval: 2, ends: { kind: "count" as const, count: 5 } };
    expect(describe(counted, "2027-01-04")).toBe("every 2 weeks on Monday, 5 times");
    expect(fromRrule(toRrule(counted, "2027-01-04"), false)).toEqual(counted);
    const until = { ...defaultRecurrence("DAILY"), ends: { kind: "until" as const, until: "2027-02-01" } };
    expect(toRrule(until, "2027-01-04")).toBe("FREQ=DAILY;UNTIL=20270201");
    expect(fromRrule("FREQ=DAILY;UNTIL=20270201", false)).toEqual(until);
    expect(fromRrule("FREQ=HOURLY", false)).toBeNull();
  });
});
