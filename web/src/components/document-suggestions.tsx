"use client";
// What reading a document suggests for its details, for its owner to review: applied only
// when they say so. Reading by AI happens only when they turned it on in Settings.
import Link from "next/link";
import { useEffect, useState, type FormEvent } from "react";
import { api, call, type Document, type Schemas } from "@/lib/api/client";
import { ApiProblem } from "@/lib/api/problem";
import { useMe } from "@/lib/session";
import { useLoad } from "@/lib/use-load";
import { DocumentKindOptions } from "./document-kinds";
import { Button, Field, Input, Loading, ProblemNotice, Select, TextArea, fieldError, formProblem } from "./ui";

type Suggested = Schemas["Suggested"];
const FIELDS = ["title", "kind", "issued_on", "expires_on", "notes"];
const MAX_POLLS = 120;

function hint(suggested: Suggested | null | undefined): string | undefined {
  if (!suggested) return undefined;
  return suggested.confidence >= 0.8 ? "Suggested; check it against the document." : "Suggested, but Softly is not sure: check it.";
}

export function DocumentSuggestions({ doc, onApplied }: { doc: Document; onApplied: () => void }) {
  const me = useMe();
  const id = doc.id;
  const loaded = useLoad(`suggestions:${id}`, async () => {
    const { data, error, response } = await api.GET("/v1/documents/{id}/suggestions", { params: { path: { id } } });
    if (response.status === 404) return null;
    if (!data) throw ApiProblem.fromBody(response, error);
    return data.suggestions;
  });
  const { data: suggestions, reload } = loaded;
  const [problem, setProblem] = useState<unknown>(null);
  const [polls, setPolls] = useState(0);
  const reading = suggestions?.status === "reading";
  useEffect(() => {
    if (!reading || polls >= MAX_POLLS) return;
    const timer = setTimeout(() => {
      setPolls((n) => n + 1);
      void reload();
    }, 1000);
    return () => clearTimeout(timer);
  }, [reading, polls, reload]);

  async function act(action: () => Promise<void>) {
    setProblem(null);
    try {
      await action();
    } catch (error) {
      setProblem(error);
    }
  }
  const readNow = () =>
    act(async () => {
      await call(api.POST("/v1/documents/{id}/suggestions", { params: { path: { id } } }));
      setPolls(0);
      await reload();
    });
  const dismiss = () =>
    act(async () => {
      await call(api.DELETE("/v1/documents/{id}/suggestions", { params: { path: { id } } }));
      await reload();
    });
  async function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => {
      const text = String(form.get(name) ?? "").trim();
      return text === "" ? null : text;
    };
    await act(async () => {
      const body = { title: value("title"), kind: value("kind"), issued_on: value("issued_on"), expires_on: value("expires_on"), notes: value("notes") };
      await call(api.POST("/v1/documents/{id}/suggestions/accept", { params: { path: { id } }, body }));
      await reload();
      onApplied();
    });
  }

  const canAskAi = me.capture.ai_document_reading_available && me.capture.ai_document_reading;
  const canReadHere = !me.capture.ai_document_reading_available && doc.content_type === "application/pdf";
  let body;
  if (suggestions === null && loaded.problem == null) {
    body = canAskAi || canReadHere ? (
      <>
        <p className="mb-3 text-sm">
          {canAskAi ? "Softly can read this document with AI and suggest its kind and dates for you to check." : "Softly can look for labelled dates in this PDF, on its own server."}
        </p>
        <Button variant="quiet" onClick={readNow}>
          Suggest details
        </Button>
      </>
    ) : me.capture.ai_document_reading_available ? (
      <p className="text-sm text-muted">
        Turn on AI document reading in <Link className="underline" href="/settings">Settings</Link> to have Softly suggest this document&apos;s details.
      </p>
    ) : null;
  } else if (!suggestions) {
    body = loaded.problem ? <ProblemNotice problem={loaded.problem} onRetry={reload} /> : <Loading />;
  } else if (suggestions.status === "reading") {
    body = <Loading label="Reading the document" />;
  } else if (suggestions.status === "failed") {
    body = (
      <div className="text-sm">
        <p className="mb-3">It could not be read: {suggestions.failure_reason}</p>
        <Button variant="quiet" onClick={readNow}>
          Try again
        </Button>
      </div>
    );
  } else if (suggestions.status === "accepted") {
    body = <p className="text-sm">The suggested details were applied.</p>;
  } else {
    const f = suggestions.fields;
    const found = f && (f.kind || f.title || f.issued_on || f.expires_on || f.document_number || f.issuing_country);
    const notes = [
      doc.notes,
      f?.issuing_country ? `Issued by ${f.issuing_country.value}` : null,
      f?.document_number ? `Number ${f.document_number.value}` : null,
    ]
      .filter(Boolean)
      .join("\n");
    const error = (field: string) => fieldError(problem, field);
    body = !found ? (
      <div className="text-sm">
        <p className="mb-3">Softly found nothing to suggest in this document.</p>
        <Button variant="quiet" onClick={dismiss}>
          Dismiss
        </Button>
      </div>
    ) : (
      <form onSubmit={apply} className="flex flex-col gap-3" noValidate>
        <p className="text-sm text-muted">
          {suggestions.reader === "claude" ? "Read by Claude (Anthropic)." : "Read on Softly's server."} Nothing changes until you apply it.
        </p>
        <Field label="Title" hint={hint(f.title)} error={error("title")}>
          {(fid, d) => <Input id={fid} name="title" defaultValue={f.title?.value ?? doc.title} aria-describedby={d} />}
        </Field>
        <Field label="Kind" hint={hint(f.kind)} error={error("kind")}>
          {(fid, d) => (
            <Select id={fid} name="kind" defaultValue={f.kind?.value ?? doc.kind} aria-describedby={d}>
              <DocumentKindOptions />
            </Select>
          )}
        </Field>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Issued on" hint={hint(f.issued_on)} error={error("issued_on")}>
            {(fid, d) => <Input id={fid} name="issued_on" type="date" defaultValue={f.issued_on?.value ?? doc.issued_on ?? ""} aria-describedby={d} />}
          </Field>
          <Field label="Expires on" hint={hint(f.expires_on)} error={error("expires_on")}>
            {(fid, d) => <Input id={fid} name="expires_on" type="date" defaultValue={f.expires_on?.value ?? doc.expires_on ?? ""} aria-describedby={d} />}
          </Field>
        </div>
        <Field label="Notes" error={error("notes")}>
          {(fid, d) => <TextArea id={fid} name="notes" defaultValue={notes} aria-describedby={d} />}
        </Field>
        <ProblemNotice problem={formProblem(problem, FIELDS)} />
        <div className="flex flex-wrap gap-2">
          <Button type="submit">Apply</Button>
          <Button type="button" variant="quiet" onClick={dismiss}>
            Dismiss
          </Button>
        </div>
      </form>
    );
  }
  if (body == null) return null;
  return (
    <section aria-labelledby="suggestions" className="mt-6 rounded-xl border border-line bg-surface p-4">
      <h2 id="suggestions" className="mb-3 text-lg font-semibold">
        Suggested details
      </h2>
      {problem != null && !fieldError(problem, "title") && suggestions?.status !== "ready" && <ProblemNotice problem={problem} />}
      {body}
    </section>
  );
}
