"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { SignedIn } from "@/components/shell";
import { Button, Field, Notice, PageTitle, ProblemNotice, TextArea, fieldError, formProblem } from "@/components/ui";
import { api, call } from "@/lib/api/client";
import { clock, sendRecording, useRecorder, type Capture } from "@/lib/capture";
import { formatInstant } from "@/lib/dates";
import { useMe } from "@/lib/session";
import { useLoad } from "@/lib/use-load";

const STATUS: Record<string, string> = {
  processing: "Being read…",
  ready: "Ready to review",
  failed: "Failed",
};

function Recorder({ onCaptured }: { onCaptured: (capture: Capture) => void }) {
  const me = useMe();
  const limit = me.capture.max_audio_seconds;
  const [problem, setProblem] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const recorder = useRecorder(limit, async (recording) => {
    setSending(true);
    try {
      onCaptured(await sendRecording(recording));
    } catch (error) {
      setProblem(error);
    } finally {
      setSending(false);
    }
  });
  const left = Math.max(0, Math.round((me.capture.audio_seconds_limit - me.capture.audio_seconds_used) / 60));
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-4">
        {recorder.state === "recording" ? (
          <Button variant="danger" onClick={recorder.stop}>
            Stop and send
          </Button>
        ) : (
          <Button onClick={() => void recorder.start()} disabled={recorder.state === "asking" || sending}>
            {sending ? "Sending…" : "Record"}
          </Button>
        )}
        <span className="text-sm tabular-nums" aria-live="off">
          {clock(recorder.seconds)} / {clock(limit)}
        </span>
        <div
          role="meter"
          aria-label="Microphone level"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(recorder.level * 100)}
          className="h-2 w-40 overflow-hidden rounded-full bg-canvas"
        >
          <div className="h-full bg-accent transition-[width]" style={{ width: `${Math.round(recorder.level * 100)}%` }} />
        </div>
      </div>
      {recorder.state === "recording" && (
        <p role="status" className="text-sm">
          Recording. Say what to remember, then stop.
        </p>
      )}
      {recorder.problem && (
        <p role="alert" className="text-sm text-danger">
          {recorder.problem}
        </p>
      )}
      <ProblemNotice problem={problem} />
      <p className="text-xs text-muted">
        Up to {clock(limit)} a note; {left} minute{left === 1 ? "" : "s"} left this month. The recording is sent to Deepgram to be
        written down, and deleted once it is.
      </p>
    </div>
  );
}

function CaptureScreen() {
  const me = useMe();
  const router = useRouter();
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const { data: captures, problem: listProblem, reload } = useLoad("captures", async () => (await call(api.GET("/v1/captures"))).captures);
  const review = (capture: Capture) => router.push(`/capture/review?id=${capture.id}`);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get("text") ?? "").trim();
    setBusy(true);
    setProblem(null);
    try {
      review((await call(api.POST("/v1/captures", { body: { text } }))).capture);
    } catch (error) {
      setProblem(error);
      setBusy(false);
    }
  }

  const reader = me.capture.reader === "claude" ? "Claude (Anthropic) reads it" : "Softly reads it on its own server";
  return (
    <>
      <PageTitle>Capture</PageTitle>
      <p className="mb-6 text-sm text-muted">
        Say or type what to remember. {reader} and proposes items with their dates; nothing is saved until you review it.
      </p>
      <section aria-labelledby="type-it" className="mb-8 rounded-xl border border-line bg-surface p-4">
        <h2 id="type-it" className="mb-3 text-lg font-semibold">
          Type it
        </h2>
        <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
          <Field label="What to remember" hint="For example: renew the car insurance before 3 March, it's about £420" error={fieldError(problem, "text")}>
            {(id, d) => <TextArea id={id} name="text" maxLength={5000} aria-describedby={d} invalid={!!fieldError(problem, "text")} />}
          </Field>
          <ProblemNotice problem={formProblem(problem, ["text"])} />
          <div>
            <Button type="submit" disabled={busy}>
              {busy ? "Reading…" : "Read it"}
            </Button>
          </div>
        </form>
      </section>
      <section aria-labelledby="say-it" className="mb-8 rounded-xl border border-line bg-surface p-4">
        <h2 id="say-it" className="mb-3 text-lg font-semibold">
          Say it
        </h2>
        {me.capture.voice ? (
          <Recorder onCaptured={review} />
        ) : (
          <Notice>Voice notes are not set up on this server: they need a speech-to-text service (DEEPGRAM_API_KEY). Typing works the same.</Notice>
        )}
      </section>
      <section aria-labelledby="to-review">
        <h2 id="to-review" className="mb-3 text-lg font-semibold">
          Waiting for you
        </h2>
        {listProblem != null && <ProblemNotice problem={listProblem} onRetry={reload} />}
        {captures && captures.length === 0 && <p className="text-sm text-muted">Nothing to review.</p>}
        {captures && captures.length > 0 && (
          <ul className="flex flex-col gap-2">
            {captures.map((capture) => (
              <li key={capture.id} className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-line bg-surface p-3">
                <Link className="font-semibold underline" href={`/capture/review?id=${capture.id}`}>
                  {capture.source === "audio" ? "Voice note" : (capture.transcript ?? "Text").slice(0, 60)}
                </Link>
                <span className="text-sm text-muted">
                  {STATUS[capture.status] ?? capture.status} · {formatInstant(capture.created_at, me.time_zone)}
                </span>
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
      <CaptureScreen />
    </SignedIn>
  );
}
