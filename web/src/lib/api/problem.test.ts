import { expect, test } from "vitest";
import { ApiProblem, explain } from "./problem";

const problem = (status: number, code: string, detail = "The API's words.", retry: number | null = null) =>
  new ApiProblem(status, code, detail, null, retry);

test("every status a screen can meet is said plainly", () => {
  expect(explain(ApiProblem.offline())).toContain("offline");
  expect(explain(problem(401, "invalid_credentials", "The email or password is wrong."))).toBe("The email or password is wrong.");
  expect(explain(problem(401, "session_ended"))).toBe("Your session has ended. Sign in again.");
  expect(explain(problem(404, "not_found"))).toContain("not found");
  expect(explain(problem(413, "payload_too_large"))).toContain("too large");
  expect(explain(problem(415, "unsupported_media_type"))).toContain("not supported");
  expect(explain(problem(429, "rate_limited", "", 42))).toBe("Too many attempts. Try again in 42 seconds.");
  expect(explain(problem(429, "rate_limited", "", 600))).toBe("Too many attempts. Try again in 10 minutes.");
  expect(explain(problem(503, "unavailable"))).toContain("busy");
  expect(explain(problem(422, "invalid_email", "Enter an email address."))).toBe("Enter an email address.");
});

test("a problem body is read with its field and Retry-After", () => {
  const response = new Response(null, { status: 429, headers: { "retry-after": "30" } });
  const read = ApiProblem.fromBody(response, { code: "rate_limited", detail: "Slow down", field: null });
  expect([read.status, read.code, read.retryAfter]).toEqual([429, "rate_limited", 30]);
  const invalid = ApiProblem.fromBody(new Response(null, { status: 422 }), { code: "invalid_email", detail: "x", field: "email" });
  expect(invalid.field).toBe("email");
});
