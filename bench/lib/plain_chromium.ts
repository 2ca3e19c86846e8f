/**
 * Debian's Chromium driven over a bare DevTools connection, for page-load figures as a user's
 * browser would give them. Playwright, which the other UI figures use, enables the Network and
 * Page domains of every page, injects its own script into a second world of each frame and is
 * told of every request: on a 2-core VM that made a dashboard's warm load ~1 s slower
 * (docs/benchmarks.md, "A browser without a driver's instruments"). This one asks only what a
 * figure needs: a tab, its size, a navigation and `Runtime.evaluate`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM, CHROMIUM_ARGS } from "../../test/harness/browser.ts";

/** A tab of the plain browser. */
export interface PlainTab {
  /** Evaluates `expression` in the page; its value, returned by value. */
  evaluate(expression: string): Promise<unknown>;
  /** Navigates to `url` (not waiting for anything). */
  navigate(url: string): Promise<void>;
  close(): Promise<void>;
}

/** A headless Chromium with no automation domains enabled. */
export interface PlainChromium {
  /** A new tab of `viewport` in the browser's default context, or in a fresh one. */
  newTab(viewport: { width: number; height: number }, freshContext?: boolean): Promise<PlainTab>;
  close(): Promise<void>;
}

interface Reply {
  id?: number;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/** Launches /usr/bin/chromium with the flags test/harness/browser.ts gives it. */
export async function launchPlainChromium(): Promise<PlainChromium> {
  const profile = mkdtempSync(join(tmpdir(), "outpost-plain-chromium-"));
  const proc = Bun.spawn(
    [
      CHROMIUM,
      ...CHROMIUM_ARGS,
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "about:blank",
    ],
    { stdout: "ignore", stderr: "pipe" },
  );
  const ws = new WebSocket(await devtoolsUrl(proc.stderr));
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error("Cannot reach Chromium's DevTools")));
  });
  let lastId = 0;
  const waiting = new Map<number, (reply: Reply) => void>();
  ws.addEventListener("message", (e) => {
    const reply = JSON.parse(String(e.data)) as Reply;
    if (reply.id !== undefined) waiting.get(reply.id)?.(reply);
  });
  const send = async (method: string, params: object = {}, sessionId?: string) => {
    const id = ++lastId;
    const reply = await new Promise<Reply>((resolve) => {
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
    waiting.delete(id);
    if (reply.error) throw new Error(`Cannot ${method}: ${reply.error.message}`);
    return reply.result ?? {};
  };

  return {
    async newTab(viewport, freshContext = false) {
      const context = freshContext
        ? String((await send("Target.createBrowserContext")).browserContextId)
        : undefined;
      const { targetId } = await send("Target.createTarget", {
        url: "about:blank",
        ...(context ? { browserContextId: context } : {}),
      });
      const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
      const session = String(sessionId);
      await send(
        "Emulation.setDeviceMetricsOverride",
        { ...viewport, deviceScaleFactor: 1, mobile: false },
        session,
      );
      return {
        async evaluate(expression) {
          const r = await send("Runtime.evaluate", { expression, returnByValue: true }, session);
          const result = r.result as { value?: unknown } | undefined;
          if (r.exceptionDetails) throw new Error(`Cannot evaluate ${expression.slice(0, 60)}`);
          return result?.value;
        },
        async navigate(url) {
          await send("Page.navigate", { url }, session);
        },
        async close() {
          await send("Target.closeTarget", { targetId });
          if (context) await send("Target.disposeBrowserContext", { browserContextId: context });
        },
      };
    },
    async close() {
      ws.close();
      proc.kill();
      await proc.exited;
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The `ws://` address Chromium prints on stderr once it listens. */
async function devtoolsUrl(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  const reader = stderr.getReader();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const m = /DevTools listening on (ws:\/\/\S+)/.exec(text);
    if (m) {
      // Keep draining stderr so Chromium never blocks on a full pipe.
      void (async () => {
        while (!(await reader.read()).done);
      })();
      return m[1];
    }
  }
  throw new Error(`Cannot start Chromium: it printed no DevTools address (${text.slice(-300)})`);
}
