import type { NextConfig } from "next";

// A static export: no server code. Served by `softly serve` (WEB_DIR) on the embedded
// default and by Cloudflare Pages in production (public/_headers, public/_redirects).
const config: NextConfig = {
  output: "export",
  trailingSlash: false,
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
};

export default config;
