// docs.mysoftly.app: using Softly, its API, running it yourself, and how it is built.
// Static output in .vitepress/dist; clean URLs (/guide/vault), as Cloudflare Pages serves them.
import { defineConfig } from "vitepress";

/** The API's pages, and the errors page the API's problem types point to (/errors). */
function apiSidebar() {
  return [
    {
      text: "API",
      items: [
        { text: "Overview", link: "/api/" },
        { text: "Authentication", link: "/api/authentication" },
        { text: "Reference", link: "/api/reference/" },
        { text: "Schemas", link: "/api/reference/schemas" },
        { text: "Errors", link: "/errors" },
      ],
    },
  ];
}

export default defineConfig({
  title: "Softly docs",
  description: "Using Softly, its API, running it yourself, and how it is built.",
  lang: "en-GB",
  cleanUrls: true,
  lastUpdated: false,
  srcExclude: ["README.md"],
  head: [["link", { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" }]],
  sitemap: { hostname: "https://docs.mysoftly.app" },
  themeConfig: {
    siteTitle: "Softly",
    logo: "/favicon.svg",
    search: { provider: "local" },
    nav: [
      { text: "Guide", link: "/guide/getting-started" },
      { text: "API", link: "/api/" },
      { text: "Self-hosting", link: "/self-hosting/" },
      { text: "Architecture", link: "/architecture" },
      { text: "mysoftly.app", link: "https://mysoftly.app" },
    ],
    sidebar: {
      "/guide/": [
        {
          text: "Using Softly",
          items: [
            { text: "Getting started", link: "/guide/getting-started" },
            { text: "The vault", link: "/guide/vault" },
            { text: "Items and reminders", link: "/guide/items" },
            { text: "Capture", link: "/guide/capture" },
            { text: "Plans", link: "/guide/plans" },
            { text: "The calendar feed", link: "/guide/calendar" },
            { text: "Privacy and your data", link: "/guide/privacy" },
          ],
        },
      ],
      "/api/": apiSidebar(),
      "/errors": apiSidebar(),
      "/self-hosting/": [
        {
          text: "Self-hosting",
          items: [
            { text: "The embedded default", link: "/self-hosting/" },
            { text: "Production on AWS", link: "/self-hosting/aws" },
            { text: "Configuration", link: "/self-hosting/configuration" },
            { text: "Backups, upgrades, migrations", link: "/self-hosting/operations" },
          ],
        },
      ],
    },
    footer: { message: "Softly — one calm place for life admin." },
  },
});
