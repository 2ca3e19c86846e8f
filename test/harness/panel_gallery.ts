/**
 * The panel gallery page (test/fixtures/ui_panels/entry.tsx) bundled with Bun.build into a
 * temporary folder and served on a free loopback port, with the Grafana dashboards of
 * test/fixtures/grafana under `/dashboards/`: what the panel renderers' browser test and
 * benchmark open. `stop()` ends the server and removes the folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FIXTURES = join(import.meta.dir, "..", "fixtures");

/** A served gallery: its base URL and how to stop it. */
export interface PanelGallery {
  url: string;
  stop(): void;
}

async function bundle(dir: string): Promise<void> {
  const result = await Bun.build({
    entrypoints: [join(FIXTURES, "ui_panels", "entry.tsx")],
    outdir: dir,
    naming: "[name].[ext]",
    target: "browser",
    minify: true,
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
  });
  if (!result.success)
    throw new Error(`Cannot bundle the panel gallery: ${result.logs.join("\n")}`);
  const css = result.outputs.some((o) => o.path.endsWith(".css"));
  const style = css ? '<link rel="stylesheet" href="/entry.css">' : "";
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Panels</title>${style}</head><body><div id="root"></div><script type="module" src="/entry.js"></script></body></html>`,
  );
}

/** Bundles the gallery and serves it. */
export async function startPanelGallery(): Promise<PanelGallery> {
  const dir = mkdtempSync(join(tmpdir(), "outpost-ui-panels-"));
  await bundle(dir);
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const path = new URL(req.url).pathname;
      const file = path.startsWith("/dashboards/")
        ? Bun.file(join(FIXTURES, "grafana", path.slice(12).replace(/[^\w.-]/g, "")))
        : Bun.file(join(dir, path === "/" ? "index.html" : path.slice(1)));
      return (await file.exists())
        ? new Response(file)
        : new Response("not found", { status: 404 });
    },
  });
  return {
    url: server.url.toString(),
    stop() {
      server.stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
