"use client";
// A document's picture: its thumbnail, fetched with the access token into a blob: URL.
import { useEffect, useState } from "react";
import { fetchFile, type Document } from "@/lib/api/client";

export function useFileUrl(path: string | null | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!path) return;
    let live = true;
    let made: string | null = null;
    fetchFile(path)
      .then((blob) => {
        if (!live) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      })
      .catch(() => setUrl(null));
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [path]);
  return url;
}

export function Thumbnail({ document }: { document: Document }) {
  const url = useFileUrl(document.thumbnail_url);
  if (url) {
    return <img src={url} alt="" className="h-36 w-full rounded-lg object-cover" data-testid="thumbnail" />;
  }
  const label = document.status === "processing" ? "Preparing…" : document.content_type === "application/pdf" ? "PDF" : "No preview";
  return <div className="flex h-36 w-full items-center justify-center rounded-lg bg-canvas text-sm text-muted">{label}</div>;
}
