// The landing page at mysoftly.app: static HTML and one stylesheet, no JavaScript.
// Stylesheets stay files (never inlined) so the Content-Security-Policy in
// public/_headers can allow 'self' and nothing inline.
import { defineConfig } from "astro/config";

export default defineConfig({
  site: "https://mysoftly.app",
  output: "static",
  trailingSlash: "ignore",
  build: { inlineStylesheets: "never", format: "file" },
  devToolbar: { enabled: false },
});
