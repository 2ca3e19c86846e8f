/**
 * Alertmanager 0.25 beside Outpost's notifier: a local HTTP sink that records every request
 * the integrations send (answering Telegram's Bot API as Telegram would), and Debian's
 * prometheus-alertmanager started on free ports with a config pointed at the sink.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.ts";

/** One request the sink received. */
export interface SunkRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A running sink. */
export interface Sink {
  readonly url: string;
  readonly requests: SunkRequest[];
  stop(): void;
}

/** Starts the sink on a free port of 127.0.0.1. */
export function startSink(): Sink {
  const requests: SunkRequest[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const body = await req.text();
      requests.push({
        method: req.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(req.headers),
        body,
      });
      if (url.pathname.endsWith("/sendMessage"))
        return Response.json({ ok: true, result: { message_id: 1, date: 0, chat: { id: 1 } } });
      return new Response("ok");
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, requests, stop: () => server.stop(true) };
}

/** A running Alertmanager. */
export interface Alertmanager {
  readonly url: string;
  /** The folder holding alertmanager.yml and the files beside it. */
  readonly dir: string;
  /** Posts alerts to /api/v2/alerts. */
  post(alerts: unknown[]): Promise<void>;
  stop(): Promise<void>;
}

/** The Debian package's binary. */
export const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";

/** Starts Alertmanager on `config` (YAML text) with `files` written beside it. */
export async function startAlertmanager(
  config: string,
  files: Record<string, string> = {},
): Promise<Alertmanager> {
  if (!existsSync(ALERTMANAGER))
    throw new Error("prometheus-alertmanager is missing: run make test-deps");
  const dir = mkdtempSync(join(tmpdir(), "outpost-am-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, "alertmanager.yml"), config);
  const port = await freePort();
  const proc = Bun.spawn(
    [
      ALERTMANAGER,
      `--config.file=${join(dir, "alertmanager.yml")}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
    ],
    { stdout: "ignore", stderr: "pipe", cwd: dir },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 100 || proc.exitCode !== null) {
      proc.kill();
      throw new Error(`Cannot start Alertmanager: ${await new Response(proc.stderr).text()}`);
    }
    await Bun.sleep(100);
  }
  return {
    url,
    dir,
    async post(alerts) {
      const r = await fetch(`${url}/api/v2/alerts`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(alerts),
      });
      if (!r.ok) throw new Error(`Cannot post alerts: ${r.status} ${await r.text()}`);
    },
    async stop() {
      proc.kill();
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
