import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-md px-4 py-16 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-muted">There is nothing at this address.</p>
      <Link href="/today" className="mt-6 inline-block font-semibold text-accent underline">
        Go to Today
      </Link>
    </main>
  );
}
