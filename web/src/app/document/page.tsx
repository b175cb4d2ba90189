"use client";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState, type FormEvent } from "react";
import { DocumentKindOptions } from "@/components/document-kinds";
import { DocumentSuggestions } from "@/components/document-suggestions";
import { SignedIn } from "@/components/shell";
import { useFileUrl } from "@/components/thumbnail";
import { Button, Field, Input, Loading, PageTitle, ProblemNotice, Select, TextArea, fieldError, formProblem } from "@/components/ui";
import { api, call, fetchFile } from "@/lib/api/client";
import { formatDate, formatInstant } from "@/lib/dates";
import { DOCUMENT_KINDS, sizeInWords } from "@/lib/documents";
import { useMe } from "@/lib/session";
import { useLoad } from "@/lib/use-load";

const FIELDS = ["title", "kind", "issued_on", "expires_on", "notes"];

function DocumentScreen() {
  const id = useSearchParams().get("id") ?? "";
  const me = useMe();
  const router = useRouter();
  const loaded = useLoad(`document:${id}`, async () => (await call(api.GET("/v1/documents/{id}", { params: { path: { id } } }))).document);
  const { data: doc, setData: setDoc } = loaded;
  const [problem, setProblem] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  const preview = useFileUrl(doc && doc.status === "ready" ? doc.file_url : null);

  async function download() {
    if (!doc) return;
    try {
      const blob = await fetchFile(doc.file_url);
      const url = URL.createObjectURL(blob);
      const link = Object.assign(window.document.createElement("a"), { href: url, download: doc.filename });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setProblem(error);
    }
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => {
      const text = String(form.get(name) ?? "").trim();
      return text === "" ? null : text;
    };
    setProblem(null);
    try {
      const saved = await call(
        api.PATCH("/v1/documents/{id}", {
          params: { path: { id } },
          body: { title: value("title"), kind: value("kind"), issued_on: value("issued_on"), expires_on: value("expires_on"), notes: value("notes") },
        }),
      );
      setDoc(saved.document);
      setEditing(false);
    } catch (error) {
      setProblem(error);
    }
  }

  async function remove() {
    if (!window.confirm("Delete this document for good?")) return;
    try {
      await call(api.DELETE("/v1/documents/{id}", { params: { path: { id } } }));
      router.push("/vault");
    } catch (error) {
      setProblem(error);
    }
  }

  if (!doc) return loaded.problem ? <ProblemNotice problem={loaded.problem} onRetry={loaded.reload} /> : <Loading />;
  const error = (field: string) => fieldError(problem, field);
  return (
    <>
      <PageTitle
        action={
          <div className="flex flex-wrap gap-2">
            <Button onClick={download}>Download</Button>
            <Button variant="quiet" onClick={() => setEditing(!editing)}>
              {editing ? "Cancel" : "Edit"}
            </Button>
            <Button variant="danger" onClick={remove}>
              Delete
            </Button>
          </div>
        }
      >
        {doc.title}
      </PageTitle>
      <ProblemNotice problem={formProblem(problem, editing ? FIELDS : [])} />
      {editing ? (
        <form onSubmit={save} className="flex flex-col gap-4" noValidate>
          <Field label="Title" error={error("title")}>
            {(fid, d) => <Input id={fid} name="title" defaultValue={doc.title} aria-describedby={d} invalid={!!error("title")} />}
          </Field>
          <Field label="Kind" error={error("kind")}>
            {(fid) => (
              <Select id={fid} name="kind" defaultValue={doc.kind}>
                <DocumentKindOptions />
              </Select>
            )}
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Issued on" error={error("issued_on")}>
              {(fid, d) => <Input id={fid} name="issued_on" type="date" defaultValue={doc.issued_on ?? ""} aria-describedby={d} invalid={!!error("issued_on")} />}
            </Field>
            <Field label="Expires on" error={error("expires_on")}>
              {(fid, d) => <Input id={fid} name="expires_on" type="date" defaultValue={doc.expires_on ?? ""} aria-describedby={d} invalid={!!error("expires_on")} />}
            </Field>
          </div>
          <Field label="Notes" error={error("notes")}>
            {(fid, d) => <TextArea id={fid} name="notes" defaultValue={doc.notes ?? ""} aria-describedby={d} />}
          </Field>
          <Button type="submit">Save</Button>
        </form>
      ) : (
        <div className="grid gap-6 md:grid-cols-[2fr_1fr]">
          <div className="rounded-xl border border-line bg-surface p-2">
            {doc.status !== "ready" ? (
              <p className="p-8 text-center text-muted">{doc.status === "failed" ? `This file could not be read: ${doc.failure_reason ?? "unknown reason"}` : "Preparing the preview…"}</p>
            ) : !preview ? (
              <Loading label="Loading the preview" />
            ) : doc.content_type === "application/pdf" ? (
              <iframe src={preview} title={`Preview of ${doc.title}`} className="h-[70vh] w-full rounded-lg" />
            ) : (
              <img src={preview} alt={`${doc.title}`} className="max-h-[70vh] w-full rounded-lg object-contain" />
            )}
          </div>
          <dl className="flex flex-col gap-2 text-sm">
            <dt className="text-muted">Kind</dt>
            <dd>{DOCUMENT_KINDS[doc.kind] ?? doc.kind}</dd>
            {doc.issued_on && (
              <>
                <dt className="text-muted">Issued</dt>
                <dd>{formatDate(doc.issued_on)}</dd>
              </>
            )}
            {doc.expires_on && (
              <>
                <dt className="text-muted">Expires</dt>
                <dd>{formatDate(doc.expires_on)}</dd>
              </>
            )}
            <dt className="text-muted">File</dt>
            <dd>
              {doc.filename} · {sizeInWords(doc.byte_size)}
            </dd>
            <dt className="text-muted">Added</dt>
            <dd>{formatInstant(doc.created_at, me.time_zone)}</dd>
            {doc.notes && (
              <>
                <dt className="text-muted">Notes</dt>
                <dd className="whitespace-pre-wrap">{doc.notes}</dd>
              </>
            )}
          </dl>
        </div>
      )}
      {!editing && doc.status === "ready" && <DocumentSuggestions doc={doc} onApplied={() => void loaded.reload()} />}
    </>
  );
}

export default function Page() {
  return (
    <SignedIn>
      <Suspense>
        <DocumentScreen />
      </Suspense>
    </SignedIn>
  );
}
