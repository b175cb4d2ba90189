"use client";
import { useState } from "react";
import { kindLabel } from "@/components/item-row";
import { SignedIn } from "@/components/shell";
import { Button, Empty, Loading, PageTitle, ProblemNotice } from "@/components/ui";
import { api, call } from "@/lib/api/client";
import { formatInstant } from "@/lib/dates";
import { useMe } from "@/lib/session";
import { useLoad } from "@/lib/use-load";

function Trash() {
  const me = useMe();
  const loaded = useLoad("trash", async () => (await call(api.GET("/v1/items/trash", { params: { query: { limit: "100" } } }))).items);
  const { data: items, reload: load } = loaded;
  const [restoreProblem, setRestoreProblem] = useState<unknown>(null);
  const problem = loaded.problem ?? restoreProblem;

  async function restore(id: string) {
    setRestoreProblem(null);
    try {
      await call(api.POST("/v1/items/{id}/restore", { params: { path: { id } } }));
      await load();
    } catch (error) {
      setRestoreProblem(error);
    }
  }

  return (
    <>
      <PageTitle>Trash</PageTitle>
      <p className="mb-4 text-sm text-muted">Deleted items stay here for 30 days, then go for good.</p>
      {problem != null && <ProblemNotice problem={problem} onRetry={load} />}
      {!items && !problem && <Loading />}
      {items && items.length === 0 && <Empty title="The trash is empty" />}
      {items && items.length > 0 && (
        <ul className="flex flex-col gap-3">
          {items.map((item) => (
            <li key={item.id} className="flex flex-wrap items-center justify-between gap-3 rounded-xl border border-line bg-surface p-4">
              <div>
                <p className="font-semibold">{item.title}</p>
                <p className="text-sm text-muted">
                  {kindLabel(item.kind)}
                  {item.purge_after ? ` · goes for good ${formatInstant(item.purge_after, me.time_zone)}` : ""}
                </p>
              </div>
              <Button variant="quiet" onClick={() => restore(item.id)} aria-label={`Restore ${item.title}`}>
                Restore
              </Button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export default function Page() {
  return (
    <SignedIn>
      <Trash />
    </SignedIn>
  );
}
