"use client";
// The frame of the signed-in app (navigation, skip link) and the gate that sends a
// signed-out visitor to sign in, coming back afterwards.
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { useSession } from "@/lib/session";
import { Loading } from "./ui";

const NAV = [
  { href: "/today", label: "Today" },
  { href: "/capture", label: "Capture" },
  { href: "/items", label: "Items" },
  { href: "/vault", label: "Vault" },
  { href: "/settings", label: "Settings" },
];

export function SignedIn({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const router = useRouter();
  const path = usePathname();
  useEffect(() => {
    if (state.status === "signed-out") {
      const next = encodeURIComponent(`${path}${window.location.search}`);
      router.replace(`/sign-in?next=${next}`);
    }
  }, [state.status, path, router]);
  if (state.status !== "signed-in") return <Loading />;
  return <AppFrame>{children}</AppFrame>;
}

function AppFrame({ children }: { children: ReactNode }) {
  const path = usePathname();
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-surface focus:p-2">
        Skip to content
      </a>
      <header className="border-b border-line bg-surface">
        <nav aria-label="Main" className="mx-auto flex max-w-4xl flex-wrap items-center gap-1 px-4 py-2">
          <Link href="/today" className="mr-3 text-lg font-semibold text-accent">
            Softly
          </Link>
          {NAV.map((item) => {
            const current = path === item.href || (item.href !== "/today" && path.startsWith(item.href.slice(0, -1)));
            return (
              <Link
                key={item.href}
                href={item.href}
                aria-current={current ? "page" : undefined}
                className={`rounded-md px-3 py-2 text-sm ${current ? "bg-canvas font-semibold underline underline-offset-4" : ""}`}
              >
                {item.label}
              </Link>
            );
          })}
        </nav>
      </header>
      <main id="main" className="mx-auto max-w-4xl px-4 py-6">
        {children}
      </main>
    </>
  );
}

/** The frame of the sign-in screens. */
export function Welcome({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-10">
      <p className="mb-2 text-lg font-semibold text-accent">Softly</p>
      <h1 className="mb-6 text-2xl font-semibold">{title}</h1>
      {children}
    </main>
  );
}
