"use client";
// Who is signed in. On load the refresh cookie (if any) buys an access token; a reload
// keeps you signed in, a replayed refresh token signs this tab out with a message.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, call, forgetTokens, keepTokens, onSessionEnd, refreshSession, type Me, type Schemas } from "./api/client";

type State =
  | { status: "loading" }
  | { status: "signed-out"; message?: string }
  | { status: "signed-in"; me: Me };

type Session = {
  state: State;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: (everywhere?: boolean) => Promise<void>;
  reload: () => Promise<void>;
  ended: (message?: string) => void;
};

const SessionContext = createContext<Session | null>(null);

const REUSED = "For your safety you were signed out: this session was used from somewhere else. Sign in again.";
const EXPIRED = "Your session has ended. Sign in again.";

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: "loading" });

  const reload = useCallback(async () => {
    const me = await call(api.GET("/v1/me"));
    setState({ status: "signed-in", me: me as Me });
  }, []);

  const ended = useCallback((message?: string) => {
    forgetTokens();
    setState({ status: "signed-out", message });
  }, []);

  useEffect(() => {
    let live = true;
    (async () => {
      const outcome = await refreshSession();
      if (!live) return;
      if (outcome === "signed-in") {
        try {
          await reload();
        } catch {
          setState({ status: "signed-out" });
        }
      } else {
        setState({ status: "signed-out", message: outcome === "reused" ? REUSED : undefined });
      }
    })();
    const stop = onSessionEnd((outcome) => ended(outcome === "reused" ? REUSED : EXPIRED));
    return () => {
      live = false;
      stop();
    };
  }, [reload, ended]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const pair = await call(api.POST("/v1/auth/login", { body: { email, password, refresh_cookie: true } }));
      keepTokens(pair as Schemas["TokenPair"]);
      await reload();
    },
    [reload],
  );

  const signOut = useCallback(async (everywhere = false) => {
    try {
      if (everywhere) await call(api.DELETE("/v1/sessions"));
      else await call(api.POST("/v1/auth/logout"));
    } finally {
      forgetTokens();
      setState({ status: "signed-out", message: everywhere ? "You are signed out on every device." : undefined });
    }
  }, []);

  const value = useMemo(() => ({ state, signIn, signOut, reload, ended }), [state, signIn, signOut, reload, ended]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}

/** The signed-in user; only inside <SignedIn>. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== "signed-in") throw new Error("useMe outside <SignedIn>");
  return state.me;
}
