/**
 * Builds the web UI into dist/ui: index.html and hashed bundles under assets/ (the aggregator
 * serves them at `/`, api/http/ui.ts). `--if-stale` builds only when a source under ui/, the
 * generated protobuf code or the lockfile is newer than the last build, as `make up` needs.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const ROOT = join(import.meta.dir, "..");
const OUT = join(ROOT, "dist", "ui");
const INDEX = join(OUT, "index.html");

/** The newest modification time under `path`, in ms. */
function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

function isStale(): boolean {
  let built: number;
  try {
    built = statSync(INDEX).mtimeMs;
  } catch {
    return true;
  }
  const sources = [join(ROOT, "ui"), join(ROOT, "proto", "gen"), join(ROOT, "bun.lock")];
  return sources.some((p) => newest(p) > built);
}

// The lazy pages (ui/App.tsx) by their chunk's name, and the path that opens each. A link
// straight to one (a shared Explore URL, a dashboard) would otherwise fetch the entry, run it,
// and only then ask for the page's chunks: index.html preloads them at once instead.
const LAZY_PAGES: Record<string, string> = {
  Explore: "/explore",
  Dashboard: "/d",
  Dashboards: "/dashboards",
  Alerts: "/alerts",
  Logs: "/logs",
  Uptime: "/uptime",
  Admin: "/admin",
};

/** The chunks each lazy page's chunk imports statically (itself included), by its path. */
function lazyChunks(dir: string, files: string[], entries: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, path] of Object.entries(LAZY_PAGES)) {
    const root = files.find((f) => f.startsWith(`${name}-`) && f.endsWith(".js"));
    if (!root) continue;
    const seen = new Set<string>();
    const todo = [root];
    for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
      if (seen.has(f) || entries.includes(f)) continue;
      seen.add(f);
      const code = readFileSync(join(dir, f), "utf8");
      // Static imports only (`from"./x.js"`, `import"./x.js"`); `import("./x.js")` stays lazy.
      for (const m of code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) todo.push(m[1]);
    }
    out[path] = [...seen];
  }
  return out;
}

/**
 * The tab's icon, in the page itself: without one every browser asks for /favicon.ico first
 * and logs its 404. An indigo tile (the theme's primary colour) with a ring, as an outpost's beacon.
 */
const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='7' fill='%23364fc7'/%3E%3Ccircle cx='16' cy='16' r='8' fill='none' stroke='white' stroke-width='4'/%3E%3C/svg%3E";

function page(scripts: string[], styles: string[], lazy: Record<string, string[]>): string {
  const css = styles.map((s) => `<link rel="stylesheet" href="/assets/${s}">`).join("\n    ");
  const js = scripts
    .map((s) => `<script type="module" src="/assets/${s}"></script>`)
    .join("\n    ");
  const preload = `<script>{const p=location.pathname,m=${JSON.stringify(lazy)};for(const r in m)if(p===r||p.startsWith(r+"/"))for(const f of m[r]){const l=document.createElement("link");l.rel="modulepreload";l.href="/assets/"+f;document.head.appendChild(l)}}</script>`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Outpost</title>
    <link rel="icon" href="${ICON}">
    ${css}
    ${preload}
  </head>
  <body>
    <div id="root"></div>
    ${js}
  </body>
</html>
`;
}

/** Builds the bundle; returns the files written under assets/. */
export async function buildUi(): Promise<string[]> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const result = await Bun.build({
    entrypoints: [join(import.meta.dir, "main.tsx")],
    outdir: join(OUT, "assets"),
    naming: {
      entry: "[name]-[hash].[ext]",
      chunk: "[name]-[hash].[ext]",
      asset: "[name]-[hash].[ext]",
    },
    target: "browser",
    minify: true,
    splitting: true,
    sourcemap: "linked",
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error("Cannot build the web UI: the bundler reported errors (above)");
  }
  const files = result.outputs.map((o) => basename(o.path));
  const entries = result.outputs
    .filter((o) => o.kind === "entry-point")
    .map((o) => basename(o.path));
  const styles = files.filter((f) => f.endsWith(".css"));
  const lazy = lazyChunks(join(OUT, "assets"), files, entries);
  writeFileSync(INDEX, page(entries, styles, lazy));
  return files;
}

/** Builds the bundle unless it is newer than its sources; says which it did. */
export async function buildUiIfStale(): Promise<string> {
  if (!isStale()) return "web UI is up to date (dist/ui)";
  const started = performance.now();
  const files = await buildUi();
  const ms = Math.round(performance.now() - started);
  return `built the web UI into dist/ui (${files.length} files, ${ms} ms)`;
}

if (import.meta.main) {
  if (process.argv.includes("--if-stale")) console.log(await buildUiIfStale());
  else console.log(`built the web UI into dist/ui (${(await buildUi()).length} files)`);
}
