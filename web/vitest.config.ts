import { defineConfig } from "vitest/config";

// Unit tests live beside the code (src/**/*.test.ts); tests/e2e is Playwright's.
export default defineConfig({ test: { include: ["src/**/*.test.ts"] } });
