"use client";
import Link from "next/link";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { ChoiceOptions, ItemRow } from "@/components/item-row";
import { SignedIn } from "@/components/shell";
import { Button, Empty, Field, Input, Loading, PageTitle, ProblemNotice, Select } from "@/components/ui";
import { api, call, type Item } from "@/lib/api/client";
import { todayIn } from "@/lib/dates";
import { useMe } from "@/lib/session";

type Filters = { status: string; kind: string; category: string; q: string; overdue: boolean };

function Items() {
  const me = useMe();
  const today = todayIn(me.time_zone);
  const [filters, setFilters] = useState<Filters>({ status: "open", kind: "", category: "", q: "", overdue: false });
  const [items, setItems] = useState<Item[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [problem, setProblem] = useState<unknown>(null);

  const load = useCallback(
    async (after: string | null = null) => {
      setProblem(null);
      try {
        const query = {
          status: filters.status || undefined,
          kind: filters.kind || undefined,
          category: filters.category || undefined,
          q: filters.q || undefined,
          overdue: filters.overdue ? "true" : undefined,
          cursor: after ?? undefined,
          limit: "50",
        };
        const page = await call(api.GET("/v1/items", { params: { query } }));
        setItems((before) => (after && before ? [...before, ...page.items] : page.items));
        setCursor(page.next_cursor ?? null);
      } catch (error) {
        setProblem(error);
      }
    },
    [filters],
  );

  useEffect(() => {
    void load();
  }, [load]);

  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setFilters({
      status: String(form.get("status")),
      kind: String(form.get("kind")),
      category: String(form.get("category")),
      q: String(form.get("q")).trim(),
      overdue: form.get("overdue") === "on",
    });
  }

  return (
    <>
      <PageTitle
        action={
          <div className="flex gap-2">
            <Link className="rounded-lg border border-line px-4 py-2 text-sm" href="/trash">
              Trash
            </Link>
            <Link className="rounded-lg bg-accent px-4 py-2 text-sm font-semibold text-accent-ink" href="/items/new">
              New item
            </Link>
          </div>
        }
      >
        Items
      </PageTitle>
      <form onSubmit={search} role="search" className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-5">
        <div className="col-span-2">
          <Field label="Search">{(id) => <Input id={id} name="q" type="search" defaultValue={filters.q} />}</Field>
        </div>
        <Field label="Status">
          {(id) => (
            <Select id={id} name="status" defaultValue={filters.status}>
              <option value="open">Open</option>
              <option value="done">Done</option>
              <option value="archived">Archived</option>
              <option value="">Any</option>
            </Select>
          )}
        </Field>
        <Field label="Kind">
          {(id) => (
            <Select id={id} name="kind" defaultValue={filters.kind}>
              <option value="">Any</option>
              <ChoiceOptions of="kind" />
            </Select>
          )}
        </Field>
        <Field label="Category">
          {(id) => (
            <Select id={id} name="category" defaultValue={filters.category}>
              <option value="">Any</option>
              <ChoiceOptions of="category" />
            </Select>
          )}
        </Field>
        <label className="col-span-2 flex items-center gap-2 text-sm sm:col-span-3">
          <input type="checkbox" name="overdue" defaultChecked={filters.overdue} className="h-5 w-5" /> Only overdue
        </label>
        <Button type="submit" className="col-span-2">
          Filter
        </Button>
      </form>
      {problem != null && <ProblemNotice problem={problem} onRetry={() => load()} />}
      {!items && !problem && <Loading />}
      {items && items.length === 0 && <Empty title="No items match">Try other filters, or add a new item.</Empty>}
      {items && items.length > 0 && (
        <ul className="flex flex-col gap-3">
          {items.map((item) => (
            <ItemRow key={item.id} item={item} today={today} onChanged={() => load()} />
          ))}
        </ul>
      )}
      {cursor && (
        <Button variant="quiet" className="mt-4" onClick={() => load(cursor)}>
          Load more
        </Button>
      )}
    </>
  );
}

export default function Page() {
  return (
    <SignedIn>
      <Items />
    </SignedIn>
  );
}
