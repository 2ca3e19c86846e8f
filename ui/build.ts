/**
 * Builds the web UI into dist/ui: index.html and hashed bundles under assets/ (the aggregator
 * serves them at `/`, api/http/ui.ts). `--if-stale` builds only when a source under ui/, the
 * generated protobuf code or the lockfile is newer than the last build, as `make up` needs.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
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

function page(scripts: string[], styles: string[]): string {
  const css = styles.map((s) => `<link rel="stylesheet" href="/assets/${s}">`).join("\n    ");
  const js = scripts
    .map((s) => `<script type="module" src="/assets/${s}"></script>`)
    .join("\n    ");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Outpost</title>
    ${css}
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
  writeFileSync(INDEX, page(entries, styles));
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
