// The recurrence builder's model: what a person picks, the RRULE the API stores, and the
// rule read back in words ("every year on 3 March", "on the last Friday of every month",
// "every 3 months from when it was done").

export type Frequency = "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY";
export type Ends = { kind: "never" } | { kind: "count"; count: number } | { kind: "until"; until: string };

export type Recurrence = {
  frequency: Frequency;
  interval: number;
  /** Monthly/yearly: on the due date's day of month, or on its nth weekday (-1: last). */
  monthly: "day" | "weekday";
  fromCompletion: boolean;
  ends: Ends;
};

const WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"] as const;
const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const ORDINALS: Record<number, string> = { 1: "first", 2: "second", 3: "third", 4: "fourth", [-1]: "last" };
const UNIT: Record<Frequency, string> = { DAILY: "day", WEEKLY: "week", MONTHLY: "month", YEARLY: "year" };

function parts(dueOn: string) {
  const [y, m, d] = dueOn.split("-").map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  const weekday = date.getUTCDay();
  const daysInMonth = new Date(Date.UTC(y!, m!, 0)).getUTCDate();
  // The last such weekday of its month reads as "the last", else as "the first" to "fourth".
  const isLast = d! + 7 > daysInMonth;
  return { month: m!, day: d!, weekday, nth: isLast ? -1 : Math.ceil(d! / 7) };
}

/** The RRULE for `rule` starting on `dueOn`. */
export function toRrule(rule: Recurrence, dueOn: string): string {
  const fields = [`FREQ=${rule.frequency}`];
  if (rule.interval > 1) fields.push(`INTERVAL=${rule.interval}`);
  if (!rule.fromCompletion && rule.monthly === "weekday" && (rule.frequency === "MONTHLY" || rule.frequency === "YEARLY")) {
    const { weekday, nth, month } = parts(dueOn);
    fields.push(`BYDAY=${nth}${WEEKDAYS[weekday]}`);
    if (rule.frequency === "YEARLY") fields.push(`BYMONTH=${month}`);
  }
  if (rule.ends.kind === "count") fields.push(`COUNT=${rule.ends.count}`);
  if (rule.ends.kind === "until") fields.push(`UNTIL=${rule.ends.until.replaceAll("-", "")}`);
  return fields.join(";");
}

/** The builder's model of a stored RRULE, or null when the builder cannot show it. */
export function fromRrule(rrule: string, fromCompletion: boolean): Recurrence | null {
  const map = new Map(rrule.split(";").map((pair) => pair.split("=") as [string, string]));
  const frequency = map.get("FREQ") as Frequency | undefined;
  if (!frequency || !(frequency in UNIT)) return null;
  const until = map.get("UNTIL");
  const count = map.get("COUNT");
  return {
    frequency,
    interval: Number(map.get("INTERVAL") ?? 1),
    monthly: map.has("BYDAY") ? "weekday" : "day",
    fromCompletion,
    ends: count
      ? { kind: "count", count: Number(count) }
      : until
        ? { kind: "until", until: `${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}` }
        : { kind: "never" },
  };
}

/** The rule in words, for the due date `dueOn`. */
export function describe(rule: Recurrence, dueOn: string): string {
  const { month, day, weekday, nth } = parts(dueOn);
  const every = rule.interval === 1 ? `every ${UNIT[rule.frequency]}` : `every ${rule.interval} ${UNIT[rule.frequency]}s`;
  let words: string;
  if (rule.fromCompletion) {
    words = `${every} from when it was done`;
  } else if (rule.monthly === "weekday" && (rule.frequency === "MONTHLY" || rule.frequency === "YEARLY")) {
    const ordinal = ORDINALS[nth] ?? `${nth}th`;
    const of = rule.frequency === "MONTHLY" ? every.replace(/^every/, "of every") : `of ${MONTH_NAMES[month - 1]}, ${every}`;
    words = `on the ${ordinal} ${WEEKDAY_NAMES[weekday]} ${of}`;
  } else {
    switch (rule.frequency) {
      case "DAILY":
        words = every;
        break;
      case "WEEKLY":
        words = `${every} on ${WEEKDAY_NAMES[weekday]}`;
        break;
      case "MONTHLY":
        words = `${every} on the ${ordinalDay(day)}`;
        break;
      case "YEARLY":
        words = `${every} on ${day} ${MONTH_NAMES[month - 1]}`;
        break;
    }
  }
  if (rule.ends.kind === "count") words += `, ${rule.ends.count} times`;
  if (rule.ends.kind === "until") words += `, until ${rule.ends.until}`;
  return words;
}

function ordinalDay(day: number): string {
  const suffix = day % 10 === 1 && day !== 11 ? "st" : day % 10 === 2 && day !== 12 ? "nd" : day % 10 === 3 && day !== 13 ? "rd" : "th";
  return `${day}${suffix}`;
}

export function defaultRecurrence(frequency: Frequency = "YEARLY"): Recurrence {
  return { frequency, interval: 1, monthly: "day", fromCompletion: false, ends: { kind: "never" } };
}
