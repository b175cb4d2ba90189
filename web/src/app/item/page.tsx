"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { ItemForm } from "@/components/item-form";
import { categoryLabel, kindLabel } from "@/components/item-row";
import { SignedIn } from "@/components/shell";
import { Button, Loading, PageTitle, ProblemNotice } from "@/components/ui";
import { api, call } from "@/lib/api/client";
import { formatDate, formatInstant, money, relativeDay, todayIn } from "@/lib/dates";
import { describe, fromRrule } from "@/lib/recurrence";
import { useMe } from "@/lib/session";
import { useLoad } from "@/lib/use-load";

function ItemScreen() {
  const id = useSearchParams().get("id") ?? "";
  const me = useMe();
  const router = useRouter();
  const today = todayIn(me.time_zone);
  const loaded = useLoad(`item:${id}`, async () => {
    const { item } = await call(api.GET("/v1/items/{id}", { params: { path: { id } } }));
    const [linked, past] = await Promise.all([
      Promise.all(
        item.document_ids.map((doc) =>
          call(api.GET("/v1/documents/{id}", { params: { path: { id: doc } } }))
            .then((d) => [doc, d.document.title] as const)
            .catch(() => [doc, "A document"] as const),
        ),
      ),
      call(api.GET("/v1/items/{id}/history", { params: { path: { id }, query: { limit: "20" } } })),
    ]);
    return { item, titles: Object.fromEntries(linked) as Record<string, string>, history: past.history };
  });
  const load = loaded.reload;
  const [problem, setProblem] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);

  async function act(action: () => Promise<unknown>) {
    setProblem(null);
    try {
      await action();
      await load();
    } catch (error) {
      setProblem(error);
    }
  }

  if (!loaded.data) return loaded.problem ? <ProblemNotice problem={loaded.problem} onRetry={load} /> : <Loading />;
  const { item, titles, history } = loaded.data;
  if (editing) {
    return (
      <>
        <PageTitle action={<Button variant="quiet" onClick={() => setEditing(false)}>Cancel</Button>}>Edit {item.title}</PageTitle>
        <ItemForm
          item={item}
          today={today}
          onSaved={async () => {
            await load();
            setEditing(false);
          }}
        />
      </>
    );
  }

  const rule = item.recurrence ? fromRrule(item.recurrence, item.repeat_from === "completion") : null;
  const path = { params: { path: { id: item.id } } };
  return (
    <>
      <PageTitle action={<Button variant="quiet" onClick={() => setEditing(true)}>Edit</Button>}>{item.title}</PageTitle>
      <ProblemNotice problem={problem} />
      <dl className="grid gap-x-6 gap-y-3 rounded-xl border border-line bg-surface p-4 sm:grid-cols-[max-content_1fr]">
        <dt className="text-sm text-muted">Kind</dt>
        <dd>
          {kindLabel(item.kind)} · {categoryLabel(item.category)} · {item.status}
        </dd>
        <dt className="text-sm text-muted">Next due</dt>
        <dd data-testid="next-due">
          {formatDate(item.due_on)}
          {item.due_time ? ` at ${item.due_time}` : ""} ({relativeDay(item.due_on, today)}){item.overdue ? " · overdue" : ""}
        </dd>
        {rule && (
          <>
            <dt className="text-sm text-muted">Repeats</dt>
            <dd>{describe(rule, item.series_start)}</dd>
          </>
        )}
        {item.upcoming.length > 0 && (
          <>
            <dt className="text-sm text-muted">Then</dt>
            <dd>{item.upcoming.slice(0, 3).map((d) => formatDate(d)).join(", ")}</dd>
          </>
        )}
        <dt className="text-sm text-muted">Next reminder</dt>
        <dd data-testid="next-reminder">{item.next_reminder_at ? formatInstant(item.next_reminder_at, me.time_zone) : "None"}</dd>
        {item.expires_on && (
          <>
            <dt className="text-sm text-muted">Expires</dt>
            <dd>{formatDate(item.expires_on)}</dd>
          </>
        )}
        {item.amount_minor != null && item.currency && (
          <>
            <dt className="text-sm text-muted">Amount</dt>
            <dd>
              {money(item.amount_minor, item.currency)}
              {item.payee ? ` to ${item.payee}` : ""}
            </dd>
          </>
        )}
        {item.document_ids.length > 0 && (
          <>
            <dt className="text-sm text-muted">Documents</dt>
            <dd className="flex flex-wrap gap-3">
              {item.document_ids.map((doc) => (
                <Link key={doc} className="text-accent underline" href={`/document?id=${doc}`}>
                  {titles[doc] ?? "A document"}
                </Link>
              ))}
            </dd>
          </>
        )}
        {item.notes && (
          <>
            <dt className="text-sm text-muted">Notes</dt>
            <dd className="whitespace-pre-wrap">{item.notes}</dd>
          </>
        )}
      </dl>
      {item.status === "open" && (
        <div className="mt-4 flex flex-wrap gap-2">
          <Button onClick={() => act(() => call(api.POST("/v1/items/{id}/complete", { ...path, body: { occurrence_on: item.occurrence_on } })))}>Done</Button>
          <Button variant="quiet" onClick={() => act(() => call(api.POST("/v1/items/{id}/snooze", { ...path, body: { occurrence_on: item.occurrence_on, days: 7 } })))}>
            Snooze a week
          </Button>
          {item.recurrence && (
            <Button variant="quiet" onClick={() => act(() => call(api.POST("/v1/items/{id}/skip", { ...path, body: { occurrence_on: item.occurrence_on } })))}>
              Skip this one
            </Button>
          )}
        </div>
      )}
      <div className="mt-4">
        <Button
          variant="danger"
          onClick={() =>
            act(async () => {
              await call(api.DELETE("/v1/items/{id}", path));
              router.push("/items");
            })
          }
        >
          Move to trash
        </Button>
      </div>
      <section aria-labelledby="history" className="mt-8">
        <h2 id="history" className="mb-3 text-lg font-semibold">
          History
        </h2>
        {history.length === 0 ? (
          <p className="text-sm text-muted">Nothing has happened yet.</p>
        ) : (
          <ul className="flex flex-col gap-2 text-sm">
            {history.map((entry) => (
              <li key={entry.id}>
                <span className="font-semibold">{entry.action}</span> · the occurrence of {formatDate(entry.occurrence_on)}
                {entry.detail ? ` (${entry.detail})` : ""} · {formatInstant(entry.at, me.time_zone)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export default function Page() {
  return (
    <SignedIn>
      <Suspense>
        <ItemScreen />
      </Suspense>
    </SignedIn>
  );
}
