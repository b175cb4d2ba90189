"use client";
// Creating and editing an item: what it is, when it is due, how it repeats (read back in
// words), its reminders, its amount and the vault documents it concerns.
import { useEffect, useState, type FormEvent } from "react";
import { api, call, type Document, type Item, type Schemas } from "@/lib/api/client";
import { ApiProblem } from "@/lib/api/problem";
import { fromMinor, toMinor } from "@/lib/dates";
import { describe, defaultRecurrence, fromRrule, toRrule, type Frequency, type Recurrence } from "@/lib/recurrence";
import { ChoiceOptions } from "./item-row";
import { Button, Field, Input, ProblemNotice, Select, TextArea, fieldError, formProblem } from "./ui";

type Reminder = { value: number; unit: string };
const UNITS = ["minute", "hour", "day", "week", "month"];
const FIELDS = ["title", "kind", "category", "due_on", "due_time", "time_zone", "expires_on", "recurrence", "repeat_from", "reminders", "amount_minor", "currency", "payee", "notes", "tags", "document_ids"];

export function ItemForm({ item, today, onSaved }: { item?: Item; today: string; onSaved: (item: Item) => void }) {
  const [dueOn, setDueOn] = useState(item?.due_on ?? today);
  const [repeat, setRepeat] = useState<Recurrence | null>(item?.recurrence ? fromRrule(item.recurrence, item.repeat_from === "completion") : null);
  const [reminders, setRemindersState] = useState<Reminder[] | null>(
    item ? item.reminders.filter((r) => r.value != null && r.unit).map((r) => ({ value: r.value!, unit: r.unit! })) : null,
  );
  const [remindersTouched, setRemindersTouched] = useState(false);
  const setReminders = (next: Reminder[] | null) => {
    setRemindersState(next);
    setRemindersTouched(true);
  };
  const [documents, setDocuments] = useState<Document[]>([]);
  const [linked, setLinked] = useState<string[]>(item?.document_ids ?? []);
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    call(api.GET("/v1/documents", { params: { query: { limit: "100" } } }))
      .then((list) => setDocuments(list.documents))
      .catch(() => setDocuments([]));
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = String(form.get(name) ?? "").trim();
      return value === "" ? null : value;
    };
    const amount = text("amount");
    const currency = (text("currency") ?? "GBP").toUpperCase();
    if (amount != null && Number.isNaN(toMinor(amount, currency))) {
      setProblem(new ApiProblem(422, "invalid_amount", "Enter the amount as a number, like 420.50.", "amount_minor"));
      return;
    }
    const recurrence = repeat ? toRrule(repeat, dueOn) : null;
    const repeatFrom = repeat ? (repeat.fromCompletion ? "completion" : "schedule") : null;
    const details: Record<string, unknown> = {
      title: text("title") ?? "",
      kind: text("kind") ?? "todo",
      category: text("category"),
      notes: text("notes"),
      due_time: text("due_time"),
      expires_on: text("expires_on"),
      amount_minor: amount == null ? null : toMinor(amount, currency),
      currency: amount == null ? null : currency,
      payee: text("payee"),
      tags: (text("tags") ?? "").split(",").map((t) => t.trim()).filter(Boolean),
      document_ids: linked,
    };
    const schedule = { due_on: dueOn, recurrence, repeat_from: repeatFrom };
    // A change sends only what changed: the date, rule or counting together restart the
    // series from the date given, which an unrelated edit (a new title) must not do.
    const body = item
      ? {
          ...changed(details, item),
          ...(dueOn !== item.due_on || recurrence !== (item.recurrence ?? null) || (repeat && repeatFrom !== item.repeat_from) ? schedule : {}),
          ...(remindersTouched && reminders ? { reminders } : {}),
        }
      : { ...details, ...schedule, ...(reminders ? { reminders } : {}) };
    setBusy(true);
    setProblem(null);
    try {
      const saved = item
        ? await call(api.PATCH("/v1/items/{id}", { params: { path: { id: item.id } }, body: body as Schemas["UpdateItemRequest"] }))
        : await call(api.POST("/v1/items", { body: body as Schemas["NewItemRequest"] }));
      onSaved(saved.item);
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  }

  const error = (field: string) => fieldError(problem, field);
  return (
    <form onSubmit={submit} className="flex flex-col gap-5" noValidate>
      <Field label="Title" error={error("title")}>
        {(id, d) => <Input id={id} name="title" defaultValue={item?.title} required aria-describedby={d} invalid={!!error("title")} />}
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Kind" error={error("kind")}>
          {(id) => (
            <Select id={id} name="kind" defaultValue={item?.kind ?? "renewal"}>
              <ChoiceOptions of="kind" />
            </Select>
          )}
        </Field>
        <Field label="Category" error={error("category")}>
          {(id) => (
            <Select id={id} name="category" defaultValue={item?.category ?? "other"}>
              <ChoiceOptions of="category" />
            </Select>
          )}
        </Field>
        <Field label={item ? "Next due on" : repeat ? "First due on" : "Due on"} error={error("due_on")}>
          {(id, d) => <Input id={id} name="due_on" type="date" value={dueOn} onChange={(e) => setDueOn(e.target.value)} required aria-describedby={d} invalid={!!error("due_on")} />}
        </Field>
        <Field label="At (optional)" hint="Without a time, you are reminded at your usual time of day." error={error("due_time")}>
          {(id, d) => <Input id={id} name="due_time" type="time" defaultValue={item?.due_time ?? ""} aria-describedby={d} invalid={!!error("due_time")} />}
        </Field>
        <Field label="Expires on (optional)" hint="When the thing itself expires, if that differs from when to act." error={error("expires_on")}>
          {(id, d) => <Input id={id} name="expires_on" type="date" defaultValue={item?.expires_on ?? ""} aria-describedby={d} invalid={!!error("expires_on")} />}
        </Field>
      </div>

      <RepeatBuilder repeat={repeat} onChange={setRepeat} dueOn={dueOn} error={error("recurrence") ?? error("repeat_from")} />
      <RemindersEditor reminders={reminders} onChange={setReminders} error={error("reminders")} canUseDefaults={!item} />

      <fieldset className="grid gap-4 rounded-xl border border-line p-4 sm:grid-cols-3">
        <legend className="px-1 text-sm font-semibold">Amount (optional)</legend>
        <Field label="Amount" error={error("amount_minor")}>
          {(id, d) => (
            <Input id={id} name="amount" inputMode="decimal" defaultValue={item?.amount_minor != null && item.currency ? fromMinor(item.amount_minor, item.currency) : ""} aria-describedby={d} invalid={!!error("amount_minor")} />
          )}
        </Field>
        <Field label="Currency" error={error("currency")}>
          {(id, d) => <Input id={id} name="currency" maxLength={3} defaultValue={item?.currency ?? "GBP"} aria-describedby={d} invalid={!!error("currency")} />}
        </Field>
        <Field label="Payee" error={error("payee")}>
          {(id, d) => <Input id={id} name="payee" defaultValue={item?.payee ?? ""} aria-describedby={d} invalid={!!error("payee")} />}
        </Field>
      </fieldset>

      {documents.length > 0 && (
        <fieldset className="rounded-xl border border-line p-4">
          <legend className="px-1 text-sm font-semibold">Documents it concerns</legend>
          <div className="flex flex-col gap-2">
            {documents.map((doc) => (
              <label key={doc.id} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="h-5 w-5"
                  checked={linked.includes(doc.id)}
                  onChange={(e) => setLinked((ids) => (e.target.checked ? [...ids, doc.id] : ids.filter((x) => x !== doc.id)))}
                />
                {doc.title}
              </label>
            ))}
          </div>
          {error("document_ids") && <p className="text-sm text-danger">{error("document_ids")}</p>}
        </fieldset>
      )}

      <Field label="Tags (comma-separated)" error={error("tags")}>
        {(id, d) => <Input id={id} name="tags" defaultValue={item?.tags.join(", ") ?? ""} aria-describedby={d} invalid={!!error("tags")} />}
      </Field>
      <Field label="Notes" error={error("notes")}>
        {(id, d) => <TextArea id={id} name="notes" defaultValue={item?.notes ?? ""} aria-describedby={d} invalid={!!error("notes")} />}
      </Field>
      <ProblemNotice problem={formProblem(problem, FIELDS)} />
      <Button type="submit" disabled={busy}>
        {busy ? "Saving…" : item ? "Save changes" : "Add item"}
      </Button>
    </form>
  );
}

/** The fields of `details` that differ from `item`'s. */
function changed(details: Record<string, unknown>, item: Item): Record<string, unknown> {
  const before = item as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.entries(details).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(before[key] ?? null)));
}

function RepeatBuilder({ repeat, onChange, dueOn, error }: { repeat: Recurrence | null; onChange: (r: Recurrence | null) => void; dueOn: string; error: string | null }) {
  const set = (patch: Partial<Recurrence>) => repeat && onChange({ ...repeat, ...patch });
  return (
    <fieldset className="flex flex-col gap-3 rounded-xl border border-line p-4">
      <legend className="px-1 text-sm font-semibold">Repeats</legend>
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="How often">
          {(id) => (
            <Select
              id={id}
              value={repeat?.frequency ?? "NONE"}
              onChange={(e) => onChange(e.target.value === "NONE" ? null : { ...(repeat ?? defaultRecurrence()), frequency: e.target.value as Frequency })}
            >
              <option value="NONE">Does not repeat</option>
              <option value="DAILY">Daily</option>
              <option value="WEEKLY">Weekly</option>
              <option value="MONTHLY">Monthly</option>
              <option value="YEARLY">Yearly</option>
            </Select>
          )}
        </Field>
        {repeat && (
          <Field label="Every">
            {(id) => <Input id={id} type="number" min={1} max={99} value={repeat.interval} onChange={(e) => set({ interval: Math.max(1, Number(e.target.value) || 1) })} />}
          </Field>
        )}
        {repeat && (
          <Field label="Counted from">
            {(id) => (
              <Select id={id} value={repeat.fromCompletion ? "completion" : "schedule"} onChange={(e) => set({ fromCompletion: e.target.value === "completion" })}>
                <option value="schedule">The due date</option>
                <option value="completion">When it was done</option>
              </Select>
            )}
          </Field>
        )}
        {repeat && !repeat.fromCompletion && (repeat.frequency === "MONTHLY" || repeat.frequency === "YEARLY") && (
          <Field label="On">
            {(id) => (
              <Select id={id} value={repeat.monthly} onChange={(e) => set({ monthly: e.target.value as "day" | "weekday" })}>
                <option value="day">The same date</option>
                <option value="weekday">The same weekday</option>
              </Select>
            )}
          </Field>
        )}
        {repeat && (
          <Field label="Ends">
            {(id) => (
              <Select
                id={id}
                value={repeat.ends.kind}
                onChange={(e) =>
                  set({ ends: e.target.value === "count" ? { kind: "count", count: 10 } : e.target.value === "until" ? { kind: "until", until: dueOn } : { kind: "never" } })
                }
              >
                <option value="never">Never</option>
                <option value="count">After a number of times</option>
                <option value="until">On a date</option>
              </Select>
            )}
          </Field>
        )}
        {repeat?.ends.kind === "count" && (
          <Field label="Times">
            {(id) => <Input id={id} type="number" min={1} value={repeat.ends.kind === "count" ? repeat.ends.count : 1} onChange={(e) => set({ ends: { kind: "count", count: Math.max(1, Number(e.target.value) || 1) } })} />}
          </Field>
        )}
        {repeat?.ends.kind === "until" && (
          <Field label="Until">
            {(id) => <Input id={id} type="date" value={repeat.ends.kind === "until" ? repeat.ends.until : ""} onChange={(e) => set({ ends: { kind: "until", until: e.target.value } })} />}
          </Field>
        )}
      </div>
      <p aria-live="polite" className="text-sm font-semibold" data-testid="repeat-words">
        {repeat ? `Repeats ${describe(repeat, dueOn)}` : "Happens once"}
      </p>
      {error && (
        <p role="alert" className="text-sm text-danger">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function RemindersEditor({
  reminders,
  onChange,
  error,
  canUseDefaults,
}: {
  reminders: Reminder[] | null;
  onChange: (r: Reminder[] | null) => void;
  error: string | null;
  canUseDefaults: boolean;
}) {
  return (
    <fieldset className="flex flex-col gap-3 rounded-xl border border-line p-4">
      <legend className="px-1 text-sm font-semibold">Reminders</legend>
      {reminders === null ? (
        <p className="text-sm">
          Your usual reminders for this kind.{" "}
          <button type="button" className="text-accent underline" onClick={() => onChange([{ value: 1, unit: "week" }])}>
            Choose your own
          </button>
        </p>
      ) : (
        <>
          {reminders.length === 0 && <p className="text-sm">No reminders.</p>}
          {reminders.map((reminder, index) => (
            <div key={index} className="flex flex-wrap items-end gap-2">
              <Field label={`Reminder ${index + 1}: how many`}>
                {(id) => (
                  <Input
                    id={id}
                    type="number"
                    min={0}
                    value={reminder.value}
                    onChange={(e) => onChange(reminders.map((r, i) => (i === index ? { ...r, value: Math.max(0, Number(e.target.value) || 0) } : r)))}
                  />
                )}
              </Field>
              <Field label="Unit">
                {(id) => (
                  <Select id={id} value={reminder.unit} onChange={(e) => onChange(reminders.map((r, i) => (i === index ? { ...r, unit: e.target.value } : r)))}>
                    {UNITS.map((u) => (
                      <option key={u} value={u}>
                        {u}s before
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Button type="button" variant="quiet" onClick={() => onChange(reminders.filter((_, i) => i !== index))} aria-label={`Remove reminder ${index + 1}`}>
                Remove
              </Button>
            </div>
          ))}
          <div className="flex gap-3">
            <Button type="button" variant="quiet" onClick={() => onChange([...reminders, { value: 1, unit: "day" }])}>
              Add a reminder
            </Button>
            {canUseDefaults && (
              <Button type="button" variant="quiet" onClick={() => onChange(null)}>
                Use my usual ones
              </Button>
            )}
          </div>
        </>
      )}
      {error && (
        <p role="alert" className="text-sm text-danger">
          {error}
        </p>
      )}
    </fieldset>
  );
}
