"use client";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense, useState, type FormEvent } from "react";
import { Welcome } from "@/components/shell";
import { Button, Field, Input, Notice, ProblemNotice, fieldError, formProblem } from "@/components/ui";
import { api, call } from "@/lib/api/client";

function Reset() {
  const token = useSearchParams().get("token") ?? "";
  const [problem, setProblem] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    const password = String(new FormData(event.currentTarget).get("password"));
    try {
      await call(api.POST("/v1/auth/password/reset", { body: { token, password } }));
      setDone(true);
    } catch (error) {
      setProblem(error);
    }
  }

  if (done) {
    return (
      <>
        <Notice>Your password is changed, and every device was signed out.</Notice>
        <p className="mt-6">
          <Link className="font-semibold text-accent underline" href="/sign-in">
            Sign in
          </Link>
        </p>
      </>
    );
  }
  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
      <Field label="New password" hint="At least 12 characters." error={fieldError(problem, "password") ?? fieldError(problem, "token")}>
        {(id, d) => <Input id={id} name="password" type="password" autoComplete="new-password" required aria-describedby={d} invalid={!!fieldError(problem, "password")} />}
      </Field>
      <ProblemNotice problem={formProblem(problem, ["password", "token"])} />
      <Button type="submit">Set the new password</Button>
    </form>
  );
}

export default function Page() {
  return (
    <Welcome title="Choose a new password">
      <Suspense>
        <Reset />
      </Suspense>
    </Welcome>
  );
}
