"use client";
// One item in a list: what it is, when it is due (in words and as a date), and the
// actions a person takes from a list: done, snooze a week, open.
import Link from "next/link";
import { useState } from "react";
import { api, call, type Item } from "@/lib/api/client";
import { formatDate, formatInstant, money, relativeDay } from "@/lib/dates";
import { useMe } from "@/lib/session";
import { Button, ProblemNotice } from "./ui";

const KINDS = ["renewal", "expiry", "bill", "appointment", "todo", "warranty", "subscription"] as const;
const CATEGORIES = ["identity", "vehicle", "home", "health", "finance", "pets", "travel", "work", "other"] as const;

export function kindLabel(kind: string): string {
  return kind === "todo" ? "To-do" : kind.charAt(0).toUpperCase() + kind.slice(1);
}

export function categoryLabel(category: string): string {
  return category.charAt(0).toUpperCase() + category.slice(1);
}

/** The `<option>`s of every kind, or every category, for a select. */
export function ChoiceOptions({ of }: { of: "kind" | "category" }) {
  const [values, label] = of === "kind" ? [KINDS, kindLabel] : [CATEGORIES, categoryLabel];
  return values.map((value) => (
    <option key={value} value={value}>
      {label(value)}
    </option>
  ));
}

export function ItemRow({ item, today, onChanged }: { item: Item; today: string; onChanged: () => void }) {
  const me = useMe();
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function act(action: "complete" | "snooze") {
    setBusy(true);
    setProblem(null);
    try {
      if (action === "complete") {
        await call(api.POST("/v1/items/{id}/complete", { params: { path: { id: item.id } }, body: { occurrence_on: item.occurrence_on } }));
      } else {
        await call(api.POST("/v1/items/{id}/snooze", { params: { path: { id: item.id } }, body: { occurrence_on: item.occurrence_on, days: 7 } }));
      }
      onChanged();
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="rounded-xl border border-line bg-surface p-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <Link href={`/item?id=${item.id}`} className="font-semibold underline-offset-4 hover:underline">
            {item.title}
          </Link>
          <p className="text-sm text-muted">
            {kindLabel(item.kind)} · due <time dateTime={item.due_on}>{formatDate(item.due_on)}</time>
            {item.due_time ? ` at ${item.due_time}` : ""} ({relativeDay(item.due_on, today)})
            {item.amount_minor != null && item.currency ? ` · ${money(item.amount_minor, item.currency)}` : ""}
          </p>
          {item.overdue && <p className="text-sm font-semibold text-danger">Overdue</p>}
          {item.snoozed_until && <p className="text-sm text-warn">Snoozed until {formatInstant(item.snoozed_until, me.time_zone)}</p>}
        </div>
        {item.status === "open" && (
          <div className="flex gap-2">
            <Button variant="quiet" disabled={busy} onClick={() => act("snooze")} aria-label={`Snooze ${item.title} for a week`}>
              Snooze
            </Button>
            <Button disabled={busy} onClick={() => act("complete")} aria-label={`Mark ${item.title} done`}>
              Done
            </Button>
          </div>
        )}
      </div>
      {problem != null && (
        <div className="mt-2">
          <ProblemNotice problem={problem} />
        </div>
      )}
    </li>
  );
}
