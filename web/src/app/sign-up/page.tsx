"use client";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Welcome } from "@/components/shell";
import { Button, Field, Input, Notice, ProblemNotice, fieldError, formProblem } from "@/components/ui";
import { api, call } from "@/lib/api/client";
import { detectedZone } from "@/lib/dates";

const FIELDS = ["email", "password", "name", "time_zone"];

export default function SignUp() {
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    setBusy(true);
    setProblem(null);
    try {
      await call(
        api.POST("/v1/auth/signup", {
          body: { email, password: String(form.get("password")), name: String(form.get("name")), time_zone: detectedZone() },
        }),
      );
      setSentTo(email);
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  }

  if (sentTo) {
    return (
      <Welcome title="Check your email">
        <Notice>
          We sent a link to <strong>{sentTo}</strong>. Open it to confirm your address, then sign in.
        </Notice>
        <p className="mt-6 text-sm">
          <Link className="text-accent underline" href="/sign-in">
            Go to sign in
          </Link>
        </p>
      </Welcome>
    );
  }

  const invalid = (field: string) => !!fieldError(problem, field);
  return (
    <Welcome title="Create your account">
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <Field label="Your name" error={fieldError(problem, "name")}>
          {(id, d) => <Input id={id} name="name" autoComplete="name" required aria-describedby={d} invalid={invalid("name")} />}
        </Field>
        <Field label="Email" error={fieldError(problem, "email")}>
          {(id, d) => <Input id={id} name="email" type="email" autoComplete="email" required aria-describedby={d} invalid={invalid("email")} />}
        </Field>
        <Field label="Password" hint="At least 12 characters; a phrase of a few words is easy to remember." error={fieldError(problem, "password")}>
          {(id, d) => <Input id={id} name="password" type="password" autoComplete="new-password" required aria-describedby={d} invalid={invalid("password")} />}
        </Field>
        <ProblemNotice problem={formProblem(problem, FIELDS)} />
        <Button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create account"}
        </Button>
      </form>
      <p className="mt-6 text-sm">
        Already have an account?{" "}
        <Link className="text-accent underline" href="/sign-in">
          Sign in
        </Link>
      </p>
    </Welcome>
  );
}
