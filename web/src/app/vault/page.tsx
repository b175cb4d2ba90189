"use client";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState, type DragEvent } from "react";
import { SignedIn } from "@/components/shell";
import { Thumbnail } from "@/components/thumbnail";
import { Button, Empty, Loading, PageTitle, ProblemNotice } from "@/components/ui";
import { api, call, type Document } from "@/lib/api/client";
import { explain, type ApiProblem } from "@/lib/api/problem";
import { formatDate } from "@/lib/dates";
import { DOCUMENT_KINDS, sizeInWords } from "@/lib/documents";
import { upload } from "@/lib/upload";
import { useMe, useSession } from "@/lib/session";

type Sending = { key: string; name: string; progress: number; problem?: string; done?: boolean };

function Vault() {
  const me = useMe();
  const { reload } = useSession();
  const [documents, setDocuments] = useState<Document[] | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [sending, setSending] = useState<Sending[]>([]);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  const [cursor, setCursor] = useState<string | null>(null);

  /** The newest page, merged into what is shown (pages loaded further down stay). */
  const load = useCallback(async () => {
    try {
      const list = await call(api.GET("/v1/documents", { params: { query: { limit: "60" } } }));
      setDocuments((shown) => {
        const fresh = new Set(list.documents.map((d) => d.id));
        const older = (shown ?? []).filter((d) => !fresh.has(d.id) && list.documents.length > 0 && d.created_at < list.documents[list.documents.length - 1]!.created_at);
        return [...list.documents, ...older];
      });
      setCursor((known) => known ?? list.next_cursor ?? null);
      setProblem(null);
      return list.documents;
    } catch (error) {
      setProblem(error);
      return null;
    }
  }, []);

  async function more() {
    if (!cursor) return;
    try {
      const page = await call(api.GET("/v1/documents", { params: { query: { limit: "60", cursor } } }));
      setDocuments((shown) => [...(shown ?? []), ...page.documents.filter((d) => !shown?.some((s) => s.id === d.id))]);
      setCursor(page.next_cursor ?? null);
    } catch (error) {
      setProblem(error);
    }
  }

  useEffect(() => {
    void load();
  }, [load]);

  // Documents being processed get their thumbnails shortly: look again a few times.
  const processing = documents?.some((d) => d.status === "processing") ?? false;
  useEffect(() => {
    if (!processing) return;
    let tries = 0;
    const timer = setInterval(async () => {
      tries += 1;
      const list = await load();
      if (tries >= 30 || !list?.some((d) => d.status === "processing")) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [processing, load]);

  async function send(files: FileList | File[]) {
    const batch = Array.from(files).map((file, index) => ({ file, key: `${Date.now()}-${index}-${file.name}` }));
    setSending((before) => [...before, ...batch.map(({ file, key }) => ({ key, name: file.name, progress: 0 }))]);
    const update = (key: string, patch: Partial<Sending>) => setSending((all) => all.map((s) => (s.key === key ? { ...s, ...patch } : s)));
    await Promise.all(
      batch.map(async ({ file, key }) => {
        try {
          await upload(file, (progress) => update(key, { progress }));
          update(key, { done: true, progress: 1 });
        } catch (error) {
          update(key, { problem: explain(error as ApiProblem) });
        }
      }),
    );
    await Promise.all([load(), reload().catch(() => undefined)]);
  }

  function drop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length) void send(event.dataTransfer.files);
  }

  return (
    <>
      <PageTitle>Vault</PageTitle>
      {!me.email_verified && <p className="mb-4 rounded-lg border border-warn p-3 text-sm">Confirm your email address to store documents.</p>}
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
        className={`mb-6 rounded-xl border-2 border-dashed p-6 text-center ${dragging ? "border-accent bg-surface" : "border-line"}`}
      >
        <p className="mb-3">Drop passports, ID cards, bills and certificates here (JPEG, PNG, WebP, HEIC or PDF).</p>
        <Button onClick={() => picker.current?.click()}>Choose files</Button>
        <input
          ref={picker}
          type="file"
          multiple
          accept="image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf,.heic,.heif"
          className="sr-only"
          aria-label="Choose files to upload"
          onChange={(e) => {
            if (e.target.files?.length) void send(e.target.files);
            e.target.value = "";
          }}
        />
        <p className="mt-2 text-xs text-muted">
          {sizeInWords(me.storage_used_bytes)} of {sizeInWords(me.storage_quota_bytes)} used ·{" "}
          {me.plan.name === "plus" ? "Plus" : "Free"} plan
        </p>
      </div>
      {sending.length > 0 && (
        <ul aria-label="Uploads" className="mb-6 flex flex-col gap-3">
          {sending.map((s) => (
            <li key={s.key} className="text-sm">
              <div className="flex justify-between gap-2">
                <span className="truncate">{s.name}</span>
                <span>{s.problem ? "Failed" : s.done ? "Done" : `${Math.round(s.progress * 100)}%`}</span>
              </div>
              <progress className="h-2 w-full accent-accent" max={1} value={s.progress} aria-label={`Uploading ${s.name}`} data-done={s.done ? "true" : "false"} />
              {s.problem && (
                <p role="alert" className="text-danger">
                  {s.problem}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {problem != null && <ProblemNotice problem={problem} onRetry={load} />}
      {!documents && !problem && <Loading />}
      {documents && documents.length === 0 && <Empty title="Your vault is empty">Add a passport, an insurance policy or a bill: Softly keeps it private, and reminds you before it expires.</Empty>}
      {documents && documents.length > 0 && (
        <ul className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4">
          {documents.map((doc) => (
            <li key={doc.id}>
              <Link href={`/document?id=${doc.id}`} className="flex flex-col gap-2 rounded-xl border border-line bg-surface p-2">
                <Thumbnail document={doc} />
                <span className="truncate font-semibold">{doc.title}</span>
                <span className="text-xs text-muted">
                  {DOCUMENT_KINDS[doc.kind] ?? doc.kind}
                  {doc.expires_on ? ` · expires ${formatDate(doc.expires_on)}` : ""}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {cursor && documents && documents.length > 0 && (
        <Button variant="quiet" className="mt-4" onClick={more}>
          Load more
        </Button>
      )}
    </>
  );
}

export default function Page() {
  return (
    <SignedIn>
      <Vault />
    </SignedIn>
  );
}
