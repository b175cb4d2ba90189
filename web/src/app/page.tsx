"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { Loading } from "@/components/ui";
import { useSession } from "@/lib/session";

export default function Home() {
  const { state } = useSession();
  const router = useRouter();
  useEffect(() => {
    if (state.status === "signed-in") router.replace("/today");
    if (state.status === "signed-out") router.replace("/sign-in");
  }, [state.status, router]);
  return <Loading />;
}
