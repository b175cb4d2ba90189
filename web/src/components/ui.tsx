"use client";
// Softly's small set of building blocks: buttons, fields, notices and the states every
// screen has (loading, empty, error).
import type { ButtonHTMLAttributes, InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { useId } from "react";
import { ApiProblem, explain } from "@/lib/api/problem";

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: "primary" | "quiet" | "danger" };

export function Button({ variant = "primary", className = "", ...props }: ButtonProps) {
  const look = {
    primary: "bg-accent text-accent-ink border-accent",
    quiet: "bg-surface text-ink border-line",
    danger: "bg-surface text-danger border-danger",
  }[variant];
  return (
    <button
      className={`inline-flex min-h-11 items-center justify-center gap-2 rounded-lg border px-4 py-2 text-sm font-semibold disabled:opacity-60 ${look} ${className}`}
      {...props}
    />
  );
}

type FieldProps = { label: string; hint?: string; error?: string | null; children: (id: string, describedBy?: string) => ReactNode };

/** A labelled control with its hint and, when the API named it, its error. */
export function Field({ label, hint, error, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-semibold">
        {label}
      </label>
      {children(id, describedBy)}
      {hint && (
        <p id={hintId} className="text-xs text-muted">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-sm text-danger" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function Input({ invalid, ...props }: InputHTMLAttributes<HTMLInputElement> & { invalid?: boolean }) {
  return <input className="field-input" aria-invalid={invalid || undefined} {...props} />;
}

export function Select({ invalid, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { invalid?: boolean }) {
  return <select className="field-input" aria-invalid={invalid || undefined} {...props} />;
}

export function TextArea({ invalid, ...props }: TextareaHTMLAttributes<HTMLTextAreaElement> & { invalid?: boolean }) {
  return <textarea className="field-input" rows={3} aria-invalid={invalid || undefined} {...props} />;
}

/** What went wrong, said plainly; 422s are shown at their field instead when it has one. */
export function ProblemNotice({ problem, onRetry }: { problem: unknown; onRetry?: () => void }) {
  if (!problem) return null;
  const known = problem instanceof ApiProblem ? problem : null;
  const message = known ? explain(known) : "Something went wrong. Try again.";
  return (
    <div role="alert" className="flex flex-wrap items-center gap-3 rounded-lg border border-danger bg-surface p-3 text-sm text-danger">
      <span>{message}</span>
      {onRetry && known?.status !== 404 && (
        <Button variant="quiet" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}

/** The message for `field` when `problem` names it. */
export function fieldError(problem: unknown, field: string): string | null {
  return problem instanceof ApiProblem && problem.status === 422 && problem.field === field ? problem.detail : null;
}

/** A problem that no field shows. */
export function formProblem(problem: unknown, fields: string[]): unknown {
  if (problem instanceof ApiProblem && problem.status === 422 && problem.field && fields.includes(problem.field)) return null;
  return problem;
}

export function Loading({ label = "Loading" }: { label?: string }) {
  return (
    <p role="status" aria-live="polite" className="py-8 text-center text-muted">
      {label}…
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-xl border border-dashed border-line p-8 text-center">
      <p className="font-semibold">{title}</p>
      {children && <div className="mt-2 text-sm text-muted">{children}</div>}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="rounded-lg border border-line bg-surface p-3 text-sm">
      {children}
    </p>
  );
}

export function PageTitle({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-2xl font-semibold">{children}</h1>
      {action}
    </div>
  );
}
