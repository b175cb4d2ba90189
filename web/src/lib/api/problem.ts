// What went wrong, as the API says it (application/problem+json), ready to show.

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly field: string | null = null,
    readonly retryAfter: number | null = null,
  ) {
    super(detail);
  }

  static offline() {
    return new ApiProblem(0, "offline", "You seem to be offline. Check your connection and try again.");
  }

  static fromBody(response: Response, body: unknown): ApiProblem {
    const problem = (body ?? {}) as { code?: string; detail?: string; title?: string; field?: string | null };
    const retry = Number(response.headers.get("retry-after"));
    return new ApiProblem(
      response.status,
      problem.code ?? `http_${response.status}`,
      problem.detail ?? problem.title ?? response.statusText,
      problem.field ?? null,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
  }
}

export async function problemFrom(response: Response): Promise<ApiProblem> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return ApiProblem.fromBody(response, body);
}

const SESSION_CODES = ["invalid_token", "session_ended", "invalid_refresh_token", "refresh_token_reused", "http_401"];

/** A sentence for a person, by status: the API's own words where it has them. */
export function explain(problem: ApiProblem): string {
  switch (problem.status) {
    case 0:
      return problem.detail;
    case 401:
      // A wrong password is said as the API says it; an ended session plainly.
      return SESSION_CODES.includes(problem.code) ? "Your session has ended. Sign in again." : problem.detail;
    case 403:
      return problem.detail || "You are not allowed to do that.";
    case 404:
      return "This was not found. It may have been deleted.";
    case 413:
      return `That is too large. ${problem.detail}`;
    case 415:
      return `That kind of file is not supported. ${problem.detail}`;
    case 429:
      if (problem.code === "capture_limit_reached") return problem.detail;
      return problem.retryAfter
        ? `Too many attempts. Try again in ${waitInWords(problem.retryAfter)}.`
        : "Too many attempts. Try again in a little while.";
    case 503:
      if (problem.code === "capture_unavailable") return problem.detail;
      return "Softly is busy or down for a moment. Try again shortly.";
    default:
      return problem.detail || "Something went wrong. Try again.";
  }
}

function waitInWords(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}
