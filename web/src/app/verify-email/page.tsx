"use client";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense, useEffect, useRef, useState } from "react";
import { Welcome } from "@/components/shell";
import { Button, Loading, Notice, ProblemNotice } from "@/components/ui";
import { api, call } from "@/lib/api/client";
import { useSession } from "@/lib/session";

function Verify() {
  const token = useSearchParams().get("token");
  const { state, reload } = useSession();
  const [outcome, setOutcome] = useState<"working" | "verified" | unknown>(token ? "working" : null);
  const sent = useRef(false);

  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    call(api.POST("/v1/auth/verify-email", { body: { token } }))
      .then(() => setOutcome("verified"))
      .catch(setOutcome);
  }, [token]);

  // The session may finish signing in before or after the confirmation lands: once both
  // are done, a profile read before it is read again.
  const stale = outcome === "verified" && state.status === "signed-in" && !state.me.email_verified;
  useEffect(() => {
    if (stale) void reload();
  }, [stale, reload]);

  if (outcome === "working") return <Loading label="Confirming your email" />;
  if (outcome === "verified") {
    return (
      <>
        <Notice>Your email address is confirmed.</Notice>
        <p className="mt-6">
          <Link className="font-semibold text-accent underline" href={state.status === "signed-in" ? "/today" : "/sign-in"}>
            {state.status === "signed-in" ? "Go to Today" : "Sign in"}
          </Link>
        </p>
      </>
    );
  }
  return (
    <>
      {outcome ? <ProblemNotice problem={outcome} /> : <Notice>This link has no token. Open the link from your email again.</Notice>}
      <Resend />
    </>
  );
}

/** Sends the confirmation email again to the signed-in user. */
function Resend() {
  const { state } = useSession();
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  if (state.status !== "signed-in") {
    return (
      <p className="mt-6 text-sm">
        <Link className="text-accent underline" href="/sign-in?next=/settings">
          Sign in
        </Link>{" "}
        to send a new link.
      </p>
    );
  }
  return (
    <div className="mt-6 flex flex-col gap-3">
      {done ? (
        <Notice>A new link is on its way.</Notice>
      ) : (
        <Button
          variant="quiet"
          onClick={() =>
            call(api.POST("/v1/auth/verify-email/resend"))
              .then(() => setDone(true))
              .catch(setProblem)
          }
        >
          Send a new link
        </Button>
      )}
      <ProblemNotice problem={problem} />
    </div>
  );
}

export default function Page() {
  return (
    <Welcome title="Confirm your email">
      <Suspense>
        <Verify />
      </Suspense>
    </Welcome>
  );
}
