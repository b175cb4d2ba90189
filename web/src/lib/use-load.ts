"use client";
// What a screen shows from the API: loaded when the screen opens (and again when `key`
// changes), with the problem that stopped it and a way to load again.
import { useCallback, useEffect, useRef, useState } from "react";

export function useLoad<T>(key: string, fetch: () => Promise<T>) {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const latest = useRef(fetch);
  useEffect(() => {
    latest.current = fetch;
  });
  const reload = useCallback(async () => {
    setProblem(null);
    try {
      setData(await latest.current());
    } catch (error) {
      setProblem(error);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [key, reload]);
  return { data, problem, reload, setData };
}
