"use client";
// One proposed item on the review screen: every field editable, the ones the reader
// guessed marked, kept or left out with one checkbox.
import { fromMinor, toMinor } from "@/lib/dates";
import type { DraftItem, Proposal } from "@/lib/capture";
import { sureness } from "@/lib/capture";
import { describe, fromRrule } from "@/lib/recurrence";
import { ChoiceOptions } from "./item-row";
import { Field, Input, Select } from "./ui";

export type Reviewed = { keep: boolean; item: DraftItem; amount: string };

export function reviewed(proposal: Proposal): Reviewed {
  const { item } = proposal;
  const amount = item.amount_minor != null && item.currency ? fromMinor(item.amount_minor, item.currency) : "";
  return { keep: true, item, amount };
}

/** The item to send: the amount in minor units again; NaN when it is not a number. */
export function toSend({ item, amount }: Reviewed): DraftItem {
  const currency = (item.currency ?? "GBP").toUpperCase();
  const trimmed = amount.trim();
  return {
    ...item,
    amount_minor: trimmed === "" ? null : toMinor(trimmed, currency),
    currency: trimmed === "" ? null : currency,
  };
}

export function ProposalCard({
  index,
  proposal,
  value,
  onChange,
}: {
  index: number;
  proposal: Proposal;
  value: Reviewed;
  onChange: (next: Reviewed) => void;
}) {
  const { item } = value;
  const set = (patch: Partial<DraftItem>) => onChange({ ...value, item: { ...item, ...patch } });
  const text = (raw: string) => (raw.trim() === "" ? null : raw);
  const unsure = (field: string) => (proposal.unsure.includes(field) ? "Check this: Softly guessed it." : undefined);
  const rule = item.recurrence ? fromRrule(item.recurrence, false) : null;
  const heading = `proposal-${index}`;
  return (
    <li aria-labelledby={heading} className={`rounded-xl border bg-surface p-4 ${value.keep ? "border-line" : "border-dashed border-line opacity-70"}`}>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h3 id={heading} className="font-semibold">
          {item.title || "Untitled"}
        </h3>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={value.keep} onChange={(e) => onChange({ ...value, keep: e.target.checked })} />
          Keep
        </label>
      </div>
      <p className="mb-3 text-xs text-muted">{sureness(proposal.confidence)}.</p>
      {value.keep && (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Title" hint={unsure("title")}>
            {(id, d) => <Input id={id} value={item.title} onChange={(e) => set({ title: e.target.value })} aria-describedby={d} />}
          </Field>
          <Field label="Kind" hint={unsure("kind")}>
            {(id, d) => (
              <Select id={id} value={item.kind} onChange={(e) => set({ kind: e.target.value })} aria-describedby={d}>
                <ChoiceOptions of="kind" />
              </Select>
            )}
          </Field>
          <Field label="Due on" hint={unsure("due_on")}>
            {(id, d) => <Input id={id} type="date" value={item.due_on} onChange={(e) => set({ due_on: e.target.value })} aria-describedby={d} invalid={!!unsure("due_on")} />}
          </Field>
          <Field label="Time" hint={unsure("due_time") ?? "Leave empty for the day itself"}>
            {(id, d) => <Input id={id} type="time" value={item.due_time ?? ""} onChange={(e) => set({ due_time: text(e.target.value) })} aria-describedby={d} />}
          </Field>
          <Field label="Category" hint={unsure("category")}>
            {(id, d) => (
              <Select id={id} value={item.category ?? "other"} onChange={(e) => set({ category: e.target.value })} aria-describedby={d}>
                <ChoiceOptions of="category" />
              </Select>
            )}
          </Field>
          <Field label={`Amount${item.currency ? ` (${item.currency})` : ""}`} hint={unsure("amount_minor")}>
            {(id, d) => <Input id={id} inputMode="decimal" value={value.amount} onChange={(e) => onChange({ ...value, amount: e.target.value })} aria-describedby={d} />}
          </Field>
          {item.recurrence && (
            <label className="flex items-center gap-2 text-sm sm:col-span-2">
              <input type="checkbox" checked onChange={() => set({ recurrence: null })} />
              Repeats: {rule ? describe(rule, item.due_on) : item.recurrence}
            </label>
          )}
        </div>
      )}
    </li>
  );
}
