"use client";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Welcome } from "@/components/shell";
import { Button, Field, Input, Notice, ProblemNotice, fieldError, formProblem } from "@/components/ui";
import { api, call } from "@/lib/api/client";

export default function ForgotPassword() {
  const [problem, setProblem] = useState<unknown>(null);
  const [sent, setSent] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    const email = String(new FormData(event.currentTarget).get("email"));
    try {
      await call(api.POST("/v1/auth/password/forgot", { body: { email } }));
      setSent(true);
    } catch (error) {
      setProblem(error);
    }
  }

  return (
    <Welcome title="Reset your password">
      {sent ? (
        <Notice>If an account has that address, a link to choose a new password is on its way.</Notice>
      ) : (
        <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
          <Field label="Email" error={fieldError(problem, "email")}>
            {(id, d) => <Input id={id} name="email" type="email" autoComplete="email" required aria-describedby={d} invalid={!!fieldError(problem, "email")} />}
          </Field>
          <ProblemNotice problem={formProblem(problem, ["email"])} />
          <Button type="submit">Send the link</Button>
        </form>
      )}
      <p className="mt-6 text-sm">
        <Link className="text-accent underline" href="/sign-in">
          Back to sign in
        </Link>
      </p>
    </Welcome>
  );
}
