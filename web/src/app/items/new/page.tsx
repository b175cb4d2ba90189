"use client";
import { useRouter } from "next/navigation";
import { ItemForm } from "@/components/item-form";
import { SignedIn } from "@/components/shell";
import { PageTitle } from "@/components/ui";
import { todayIn } from "@/lib/dates";
import { useMe } from "@/lib/session";

function NewItem() {
  const me = useMe();
  const router = useRouter();
  return (
    <>
      <PageTitle>New item</PageTitle>
      <ItemForm today={todayIn(me.time_zone)} onSaved={(item) => router.push(`/item?id=${item.id}`)} />
    </>
  );
}

export default function Page() {
  return (
    <SignedIn>
      <NewItem />
    </SignedIn>
  );
}
