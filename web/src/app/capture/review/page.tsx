"use client";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useState } from "react";
import { ProposalCard, reviewed, toSend, type Reviewed } from "@/components/proposal-card";
import { SignedIn } from "@/components/shell";
import { Button, Loading, PageTitle, ProblemNotice } from "@/components/ui";
import { api, call } from "@/lib/api/client";
import { ApiProblem } from "@/lib/api/problem";
import type { Capture } from "@/lib/capture";
import { useLoad } from "@/lib/use-load";

/** How often, and how many times, a capture being read is looked at again. */
const POLL_MS = 1000;
const MAX_POLLS = 180;

function Review() {
  const id = useSearchParams().get("id") ?? "";
  const router = useRouter();
  const { data: capture, problem: loadProblem, reload, setData } = useLoad(`capture:${id}`, async () =>
    (await call(api.GET("/v1/captures/{id}", { params: { path: { id } } }))).capture,
  );
  const [drafts, setDrafts] = useState<Reviewed[] | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [polls, setPolls] = useState(0);

  const processing = capture?.status === "processing";
  useEffect(() => {
    if (!processing || polls >= MAX_POLLS) return;
    const timer = setTimeout(() => {
      setPolls((n) => n + 1);
      void reload();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [processing, polls, reload]);

  const proposals = capture?.status === "ready" ? capture.proposals : null;
  const reviewing = drafts ?? proposals?.map(reviewed) ?? [];

  async function act(action: () => Promise<void>) {
    setBusy(true);
    setProblem(null);
    try {
      await action();
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  }

  const kept = reviewing.filter((r) => r.keep);
  const accept = () =>
    act(async () => {
      const items = kept.map(toSend);
      if (items.some((item) => item.amount_minor != null && Number.isNaN(item.amount_minor))) {
        throw new ApiProblem(422, "invalid_amount", "Enter each amount as a number, like 420.50.", "proposals");
      }
      await call(api.POST("/v1/captures/{id}/accept", { params: { path: { id } }, body: { proposals: items } }));
      router.push("/today");
    });
  const discard = () =>
    act(async () => {
      await call(api.DELETE("/v1/captures/{id}", { params: { path: { id } } }));
      router.push("/capture");
    });
  const retry = () =>
    act(async () => {
      const again = await call(api.POST("/v1/captures/{id}/retry", { params: { path: { id } } }));
      setPolls(0);
      setData(again.capture as Capture);
    });

  if (!capture) return loadProblem ? <ProblemNotice problem={loadProblem} onRetry={reload} /> : <Loading />;
  return (
    <>
      <PageTitle>Review</PageTitle>
      {capture.transcript && (
        <figure className="mb-6 rounded-xl border border-line bg-surface p-4">
          <figcaption className="mb-1 text-sm text-muted">{capture.source === "audio" ? "You said" : "You wrote"}</figcaption>
          <blockquote className="whitespace-pre-wrap">{capture.transcript}</blockquote>
        </figure>
      )}
      {processing &&
        (polls < MAX_POLLS ? (
          <Loading label={capture.source === "audio" && !capture.transcript ? "Listening" : "Reading"} />
        ) : (
          <ProblemNotice problem={new ApiProblem(0, "slow", "This is taking longer than it should. Come back to it later.")} onRetry={() => setPolls(0)} />
        ))}
      {capture.status === "failed" && (
        <div role="alert" className="mb-6 rounded-lg border border-danger bg-surface p-3 text-sm">
          <p className="mb-2 font-semibold text-danger">This could not be read.</p>
          <p className="mb-3">{capture.failure_reason}</p>
          <Button onClick={retry} disabled={busy}>
            Try again
          </Button>
        </div>
      )}
      {capture.status === "accepted" && <p className="mb-6">Saved: {capture.item_ids.length} item(s) are on your list.</p>}
      {proposals && proposals.length === 0 && <p className="mb-6">Softly found nothing to remember in this.</p>}
      {proposals && proposals.length > 0 && (
        <>
          <p className="mb-3 text-sm text-muted">Check each proposal, change what is wrong, untick what you do not want. Nothing is saved until you do.</p>
          <ul className="mb-6 flex flex-col gap-4">
            {proposals.map((proposal, index) => (
              <ProposalCard
                key={index}
                index={index}
                proposal={proposal}
                value={reviewing[index] ?? reviewed(proposal)}
                onChange={(next) => setDrafts(reviewing.map((r, i) => (i === index ? next : r)))}
              />
            ))}
          </ul>
        </>
      )}
      <ProblemNotice problem={problem} />
      <div className="mt-4 flex flex-wrap gap-2">
        {proposals && kept.length > 0 && (
          <Button onClick={accept} disabled={busy}>
            Save {kept.length} item{kept.length === 1 ? "" : "s"}
          </Button>
        )}
        {capture.status !== "accepted" && (
          <Button variant="quiet" onClick={discard} disabled={busy}>
            Discard
          </Button>
        )}
      </div>
    </>
  );
}

export default function Page() {
  return (
    <SignedIn>
      <Suspense>
        <Review />
      </Suspense>
    </SignedIn>
  );
}
