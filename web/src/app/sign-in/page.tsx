"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useState, type FormEvent } from "react";
import { Welcome } from "@/components/shell";
import { Button, Field, Input, Notice, ProblemNotice, fieldError, formProblem } from "@/components/ui";
import { useSession } from "@/lib/session";

function SignIn() {
  const { state, signIn } = useSession();
  const router = useRouter();
  const params = useSearchParams();
  const next = params.get("next");
  const destination = next && next.startsWith("/") && !next.startsWith("//") ? next : "/today";
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (state.status === "signed-in") router.replace(destination);
  }, [state.status, destination, router]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    try {
      await signIn(String(form.get("email")), String(form.get("password")));
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Welcome title="Sign in">
      {state.status === "signed-out" && state.message && <Notice>{state.message}</Notice>}
      <form onSubmit={submit} className="mt-4 flex flex-col gap-4" noValidate>
        <Field label="Email" error={fieldError(problem, "email")}>
          {(id, describedBy) => <Input id={id} name="email" type="email" autoComplete="email" required aria-describedby={describedBy} invalid={!!fieldError(problem, "email")} />}
        </Field>
        <Field label="Password">
          {(id) => <Input id={id} name="password" type="password" autoComplete="current-password" required />}
        </Field>
        <ProblemNotice problem={formProblem(problem, ["email"])} />
        <Button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      <p className="mt-6 flex flex-wrap gap-4 text-sm">
        <Link className="text-accent underline" href="/sign-up">
          Create an account
        </Link>
        <Link className="text-accent underline" href="/forgot-password">
          Forgot your password?
        </Link>
      </p>
    </Welcome>
  );
}

export default function Page() {
  return (
    <Suspense>
      <SignIn />
    </Suspense>
  );
}
