// The typed API client. The access token lives in memory only; the refresh token lives in
// the API's HttpOnly cookie, spent by `refreshSession` (with the CSRF header the API asks
// of cookie calls) shortly before the access token expires.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";
import { ApiProblem, problemFrom } from "./problem";

export type Schemas = components["schemas"];
export type Item = Schemas["ItemView"];
export type Document = Schemas["DocumentView"];
export type Me = Schemas["MeView"];

/** The API's origin: NEXT_PUBLIC_API_URL, else `api.` beside an `app.` host, else this origin. */
export function apiOrigin(): string {
  const configured = process.env.NEXT_PUBLIC_API_URL;
  if (configured) return configured.replace(/\/$/, "");
  if (typeof window === "undefined") return "";
  const { protocol, host } = window.location;
  return host.startsWith("app.") ? `${protocol}//api.${host.slice(4)}` : "";
}

const CSRF_HEADER = "x-softly-csrf";

let access: { token: string; expiresAt: number } | null = null;
let pending: Promise<RefreshOutcome> | null = null;
const listeners = new Set<(outcome: RefreshOutcome) => void>();

export type RefreshOutcome = "signed-in" | "signed-out" | "reused" | "offline";

/** Called when the session ends under the app (expired, replayed, signed out elsewhere). */
export function onSessionEnd(listener: (outcome: RefreshOutcome) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The access token, refreshed first when it is about to expire; null when signed out. */
export async function accessToken(): Promise<string | null> {
  if (access && access.expiresAt - Date.now() < 30_000) {
    const outcome = await refreshSession();
    if (outcome === "signed-out" || outcome === "reused") listeners.forEach((l) => l(outcome));
  }
  return access?.token ?? null;
}

export function keepTokens(pair: Schemas["TokenPair"]) {
  access = { token: pair.access_token, expiresAt: Date.now() + pair.expires_in * 1000 };
}

export function forgetTokens() {
  access = null;
}

/** Spends the refresh cookie for a new access token; one call at a time per tab. */
export function refreshSession(): Promise<RefreshOutcome> {
  pending ??= (async (): Promise<RefreshOutcome> => {
    try {
      const response = await fetch(`${apiOrigin()}/v1/auth/refresh`, {
        method: "POST",
        credentials: "include",
        headers: { [CSRF_HEADER]: "1" },
      });
      if (response.ok) {
        keepTokens(await response.json());
        return "signed-in";
      }
      access = null;
      const problem = await problemFrom(response);
      return problem.code === "refresh_token_reused" ? "reused" : "signed-out";
    } catch {
      return "offline";
    } finally {
      pending = null;
    }
  })();
  return pending;
}

/** Calls made without a session: no token is attached, none is refreshed first, and
 * their 401 (a wrong password) does not end the session. */
const SIGNED_OUT_CALLS = /^\/v1\/auth\/(login|refresh|signup|password\/forgot|password\/reset|verify-email)$/;
const signedOutCall = (url: string) => SIGNED_OUT_CALLS.test(new URL(url, window.location.href).pathname);

export const api = createClient<paths>({ baseUrl: apiOrigin(), credentials: "include" });

api.use({
  async onRequest({ request }) {
    if (signedOutCall(request.url)) return request;
    const token = await accessToken();
    if (token) request.headers.set("authorization", `Bearer ${token}`);
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status === 401 && access && !signedOutCall(request.url)) {
      access = null;
      listeners.forEach((l) => l("signed-out"));
    }
    return response;
  },
});

/** The data of a call, or an ApiProblem (offline included) to show. */
export async function call<T>(
  request: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (error) {
    if (error instanceof ApiProblem) throw error;
    throw ApiProblem.offline();
  }
  if (result.response.ok) return result.data as T;
  throw ApiProblem.fromBody(result.response, result.error);
}

/** An authenticated GET of a file (thumbnail, preview, download) as a Blob. */
export async function fetchFile(path: string): Promise<Blob> {
  const token = await accessToken();
  let response: Response;
  try {
    response = await fetch(`${apiOrigin()}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  } catch {
    throw ApiProblem.offline();
  }
  if (!response.ok) throw await problemFrom(response);
  return response.blob();
}
