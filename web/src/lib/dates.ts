// Dates as a person reads them: civil dates (due on 3 March) never shift with zones;
// instants (the next reminder) are shown in the user's zone; both in the browser's locale.

/** Today's civil date, `YYYY-MM-DD`, in `zone`. */
export function todayIn(zone: string, now = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** `date` plus `days`, both civil. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const moved = new Date(Date.UTC(y!, m! - 1, d! + days));
  return moved.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (civil dates). */
export function daysBetween(from: string, to: string): number {
  const parse = (s: string) => {
    const [y, m, d] = s.split("-").map(Number);
    return Date.UTC(y!, m! - 1, d!);
  };
  return Math.round((parse(to) - parse(from)) / 86_400_000);
}

/** "3 Mar 2027" (locale-dependent) for a civil date. */
export function formatDate(date: string, locale?: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" }).format(
    new Date(Date.UTC(y!, m! - 1, d!)),
  );
}

/** An instant in `zone`: "3 Mar 2027, 09:00". */
export function formatInstant(instant: string, zone: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: zone, dateStyle: "medium", timeStyle: "short" }).format(new Date(instant));
}

/** "today", "tomorrow", "in 5 days", "3 days ago". */
export function relativeDay(date: string, today: string): string {
  const days = daysBetween(today, date);
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  if (days === -1) return "yesterday";
  return days > 0 ? `in ${days} days` : `${-days} days ago`;
}

/** How many minor units a currency's major unit has, as a power of ten (GBP 2, JPY 0). */
function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function money(amountMinor: number, currency: string, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amountMinor / 10 ** minorDigits(currency));
}

/** "420.50" GBP as 42050; "1500" JPY as 1500. NaN for what is not a number (the API says 422). */
export function toMinor(amount: string, currency: string): number {
  return Math.round(Number(amount.replace(",", ".")) * 10 ** minorDigits(currency));
}

export function fromMinor(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  return (amountMinor / 10 ** digits).toFixed(digits);
}

/** The zones the browser knows, the detected one first. */
export function timeZones(): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
  return supported.includes("UTC") ? supported : ["UTC", ...supported];
}

export function detectedZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}
