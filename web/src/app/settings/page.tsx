"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { SignedIn } from "@/components/shell";
import { Button, Field, Input, Loading, Notice, PageTitle, ProblemNotice, Select, fieldError, formProblem } from "@/components/ui";
import { api, call } from "@/lib/api/client";
import { detectedZone, formatInstant, timeZones } from "@/lib/dates";
import { useMe, useSession } from "@/lib/session";
import { useLoad } from "@/lib/use-load";

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = `section-${title.toLowerCase().replaceAll(" ", "-")}`;
  return (
    <section aria-labelledby={id} className="mb-8 rounded-xl border border-line bg-surface p-4">
      <h2 id={id} className="mb-4 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** A form that sends, shows a short confirmation, and shows the API's problem at its field. */
function useSubmit(fields: string[]) {
  const [problem, setProblem] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setProblem(null);
    setSaved(false);
    try {
      await action();
      setSaved(true);
    } catch (error) {
      setProblem(error);
    }
  };
  return { problem, saved, run, error: (field: string) => fieldError(problem, field), rest: formProblem(problem, fields) };
}

function Profile() {
  const me = useMe();
  const { reload } = useSession();
  const detected = detectedZone();
  const [zone, setZone] = useState(me.time_zone);
  const form = useSubmit(["name", "time_zone"]);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name")).trim();
    await form.run(async () => {
      await call(api.PATCH("/v1/me", { body: { name, time_zone: zone } }));
      await reload();
    });
  }
  return (
    <Section title="Profile">
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <Field label="Name" error={form.error("name")}>
          {(id, d) => <Input id={id} name="name" defaultValue={me.name} autoComplete="name" aria-describedby={d} invalid={!!form.error("name")} />}
        </Field>
        <Field label="Time zone" hint="Reminders arrive at your time of day in this zone; dates are shown in it." error={form.error("time_zone")}>
          {(id, d) => (
            <Select id={id} name="time_zone" value={zone} onChange={(e) => setZone(e.target.value)} aria-describedby={d} invalid={!!form.error("time_zone")}>
              {timeZones().map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {detected !== me.time_zone && zone !== detected && (
          <p className="text-sm">
            This device is in <strong>{detected}</strong>.{" "}
            <button type="button" className="text-accent underline" onClick={() => setZone(detected)}>
              Use it
            </button>
          </p>
        )}
        <p className="text-sm text-muted">Email: {me.email}</p>
        <ProblemNotice problem={form.rest} />
        {form.saved && <Notice>Saved.</Notice>}
        <Button type="submit">Save profile</Button>
      </form>
    </Section>
  );
}

function Reminders() {
  const me = useMe();
  const { data: settings, problem, reload: load, setData: setSettings } = useLoad("settings", async () => (await call(api.GET("/v1/reminders/settings"))).settings);
  const form = useSubmit(["reminder_time", "delivery"]);

  if (!settings) return <Section title="Reminders">{problem ? <ProblemNotice problem={problem} onRetry={load} /> : <Loading />}</Section>;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    await form.run(async () => {
      const saved = await call(api.PATCH("/v1/reminders/settings", { body: { reminder_time: String(data.get("reminder_time")), delivery: String(data.get("delivery")) } }));
      setSettings(saved.settings);
    });
  }

  async function calendar(action: "rotate" | "off") {
    await form.run(async () => {
      if (action === "rotate") await call(api.POST("/v1/calendar/token"));
      else await call(api.DELETE("/v1/calendar/token"));
      await load();
    });
  }

  return (
    <Section title="Reminders">
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Time of day" hint="When date-only items are reminded." error={form.error("reminder_time")}>
            {(id, d) => <Input id={id} name="reminder_time" type="time" defaultValue={settings.reminder_time} aria-describedby={d} invalid={!!form.error("reminder_time")} />}
          </Field>
          <Field
            label="Emails"
            hint={me.plan.digest ? undefined : "A daily digest is not part of your plan."}
            error={form.error("delivery")}
          >
            {(id, d) => (
              <Select id={id} name="delivery" defaultValue={settings.delivery} aria-describedby={d}>
                <option value="single">One email per reminder</option>
                <option value="digest" disabled={!me.plan.digest && settings.delivery !== "digest"}>
                  One digest a day
                </option>
              </Select>
            )}
          </Field>
        </div>
        <ProblemNotice problem={form.rest} />
        {form.saved && <Notice>Saved.</Notice>}
        <Button type="submit">Save reminders</Button>
      </form>
      <h3 className="mb-2 mt-6 font-semibold">Calendar feed</h3>
      {settings.calendar_url ? (
        <div className="flex flex-col gap-2">
          <p className="text-sm text-muted">Subscribe to this private address in your calendar app. Anyone who has it sees your items: make a new one if it leaks.</p>
          <Input readOnly value={settings.calendar_url} aria-label="Calendar feed address" onFocus={(e) => e.currentTarget.select()} />
          <div className="flex flex-wrap gap-2">
            <Button variant="quiet" onClick={() => navigator.clipboard?.writeText(settings.calendar_url ?? "")}>
              Copy
            </Button>
            <Button variant="quiet" onClick={() => calendar("rotate")}>
              Make a new address
            </Button>
            <Button variant="danger" onClick={() => calendar("off")}>
              Turn off
            </Button>
          </div>
        </div>
      ) : (
        <Button variant="quiet" onClick={() => calendar("rotate")}>
          Create a calendar feed
        </Button>
      )}
    </Section>
  );
}

function AiReading() {
  const me = useMe();
  const { reload } = useSession();
  const form = useSubmit([]);
  if (!me.capture.ai_document_reading_available) {
    return (
      <Section title="AI document reading">
        <p className="text-sm">
          This server has no AI model set up, so your documents are never sent anywhere to be read. Softly still finds labelled dates
          in PDFs on its own server.
        </p>
      </Section>
    );
  }
  const on = me.capture.ai_document_reading;
  const toggle = () =>
    form.run(async () => {
      await call(api.PATCH("/v1/capture/settings", { body: { ai_document_reading: !on } }));
      await reload();
    });
  return (
    <Section title="AI document reading">
      <p className="mb-2 text-sm">
        When this is on, each document you add from now on is sent to Claude, Anthropic&apos;s AI model, which reads its kind, dates and
        number and suggests them for you to check. Nothing changes until you apply a suggestion. Document numbers are kept only as their
        last four characters.
      </p>
      <p className="mb-4 text-sm">
        Documents you already keep are sent only when you ask, one at a time. When this is off, no document is sent anywhere.
      </p>
      <p className="mb-3 text-sm font-semibold" role="status">
        AI document reading is {on ? "on" : "off"}.
      </p>
      <ProblemNotice problem={form.rest} />
      <Button variant={on ? "quiet" : "primary"} onClick={toggle}>
        {on ? "Turn off AI document reading" : "Turn on AI document reading"}
      </Button>
    </Section>
  );
}

function Password() {
  const form = useSubmit(["current_password", "new_password"]);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    await form.run(async () => {
      await call(api.PUT("/v1/me/password", { body: { current_password: String(data.get("current")), new_password: String(data.get("new")) } }));
      element.reset();
    });
  }
  return (
    <Section title="Password">
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <Field label="Current password" error={form.error("current_password")}>
          {(id, d) => <Input id={id} name="current" type="password" autoComplete="current-password" aria-describedby={d} invalid={!!form.error("current_password")} />}
        </Field>
        <Field label="New password" hint="At least 12 characters. Your other devices will be signed out." error={form.error("new_password")}>
          {(id, d) => <Input id={id} name="new" type="password" autoComplete="new-password" aria-describedby={d} invalid={!!form.error("new_password")} />}
        </Field>
        <ProblemNotice problem={form.rest} />
        {form.saved && <Notice>Your password is changed.</Notice>}
        <Button type="submit">Change password</Button>
      </form>
    </Section>
  );
}

function Devices() {
  const me = useMe();
  const { signOut } = useSession();
  const loaded = useLoad("sessions", async () => (await call(api.GET("/v1/sessions"))).sessions);
  const { data: sessions, reload: load } = loaded;
  const [endProblem, setEndProblem] = useState<unknown>(null);
  const problem = loaded.problem ?? endProblem;
  async function end(id: string) {
    setEndProblem(null);
    try {
      await call(api.DELETE("/v1/sessions/{id}", { params: { path: { id } } }));
      await load();
    } catch (error) {
      setEndProblem(error);
    }
  }
  return (
    <Section title="Signed-in devices">
      <ProblemNotice problem={problem} onRetry={load} />
      {!sessions && !problem && <Loading />}
      {sessions && (
        <ul className="mb-4 flex flex-col gap-3">
          {sessions.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 text-sm">
              <span>
                <span className="font-semibold">{s.user_agent ?? "Unknown device"}</span>
                {s.current ? " (this device)" : ""}
                <br />
                <span className="text-muted">last used {formatInstant(s.last_used_at, me.time_zone)}</span>
              </span>
              {!s.current && (
                <Button variant="quiet" onClick={() => end(s.id)}>
                  Sign out
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="flex flex-wrap gap-2">
        <Button variant="quiet" onClick={() => signOut(false)}>
          Sign out
        </Button>
        <Button variant="danger" onClick={() => signOut(true)}>
          Sign out everywhere
        </Button>
      </div>
    </Section>
  );
}

function DeleteAccount() {
  const { ended } = useSession();
  const router = useRouter();
  const form = useSubmit(["password"]);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password"));
    await form.run(async () => {
      await call(api.DELETE("/v1/me", { body: { password } }));
      ended("Your account and everything in it were deleted.");
      router.replace("/sign-in");
    });
  }
  return (
    <Section title="Delete account">
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <p className="text-sm">This deletes your items, your documents and your account, for good.</p>
        <Field label="Your password, to confirm" error={form.error("password") ?? (form.problem && (form.problem as { code?: string }).code === "wrong_password" ? "The password is wrong." : null)}>
          {(id, d) => <Input id={id} name="password" type="password" autoComplete="current-password" aria-describedby={d} invalid={!!form.error("password")} />}
        </Field>
        <ProblemNotice problem={(form.problem as { code?: string } | null)?.code === "wrong_password" ? null : form.rest} />
        <Button type="submit" variant="danger">
          Delete my account
        </Button>
      </form>
    </Section>
  );
}

export default function Page() {
  return (
    <SignedIn>
      <PageTitle>Settings</PageTitle>
      <Profile />
      <Reminders />
      <AiReading />
      <Password />
      <Devices />
      <DeleteAccount />
    </SignedIn>
  );
}
