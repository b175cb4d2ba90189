"use client";
import Link from "next/link";
import { ItemRow } from "@/components/item-row";
import { SignedIn } from "@/components/shell";
import { Empty, Loading, PageTitle, ProblemNotice } from "@/components/ui";
import { api, call } from "@/lib/api/client";
import { addDays, todayIn } from "@/lib/dates";
import { useMe } from "@/lib/session";
import { useLoad } from "@/lib/use-load";

function Today() {
  const me = useMe();
  const today = todayIn(me.time_zone);
  const { data: items, problem, reload: load } = useLoad(`today:${today}`, async () => {
    const query = { status: "open", due_before: addDays(today, 31), limit: "100" };
    return (await call(api.GET("/v1/items", { params: { query } }))).items;
  });

  const weekEnd = addDays(today, 7);
  const sections = items && [
    { title: "Overdue", items: items.filter((i) => i.overdue) },
    { title: "This week", items: items.filter((i) => !i.overdue && i.due_on <= weekEnd) },
    { title: "Next 30 days", items: items.filter((i) => !i.overdue && i.due_on > weekEnd) },
  ];

  return (
    <>
      <PageTitle action={<Link className="rounded-lg bg-accent px-4 py-2 text-sm font-semibold text-accent-ink" href="/items/new">New item</Link>}>
        Today
      </PageTitle>
      {!me.email_verified && (
        <p className="mb-4 rounded-lg border border-warn p-3 text-sm">
          Confirm your email address to store documents: open the link we sent you, or{" "}
          <Link className="underline" href="/verify-email">
            send a new one
          </Link>
          .
        </p>
      )}
      {problem != null && <ProblemNotice problem={problem} onRetry={load} />}
      {!items && !problem && <Loading />}
      {items && items.length === 0 && (
        <Empty title="Nothing due in the next 30 days">
          <Link className="text-accent underline" href="/items/new">
            Add a renewal, a bill or a to-do
          </Link>{" "}
          and Softly will remind you in time.
        </Empty>
      )}
      {sections &&
        items!.length > 0 &&
        sections.map((section) => (
          <section key={section.title} aria-labelledby={`s-${section.title}`} className="mb-8">
            <h2 id={`s-${section.title}`} className="mb-3 text-lg font-semibold">
              {section.title} <span className="text-sm font-normal text-muted">({section.items.length})</span>
            </h2>
            {section.items.length === 0 ? (
              <p className="text-sm text-muted">Nothing here.</p>
            ) : (
              <ul className="flex flex-col gap-3">
                {section.items.map((item) => (
                  <ItemRow key={item.id} item={item} today={today} onChanged={load} />
                ))}
              </ul>
            )}
          </section>
        ))}
    </>
  );
}

export default function Page() {
  return (
    <SignedIn>
      <Today />
    </SignedIn>
  );
}
