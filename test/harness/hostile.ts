/**
 * Scrape targets that attack the agent, served by a child process, and a healthy target beside
 * them, served by the test process, that records when it was scraped.
 */

/** Paths of the hostile targets, each with the failure reason the agent should give it. */
export const HOSTILE = {
  big: "body_size_limit",
  bomb: "body_size_limit",
  slow: "timeout",
  series: "sample_limit",
  label50mb: "body_size_limit",
  label1mb: "label_value_length_limit",
  malformed: "parse",
  // The same bodies to jobs whose own limits are raised out of reach: the budget stops them.
  big_unlimited: "memory_limit",
  series_unlimited: "memory_limit",
} as const;

/**
 * Scrape config lines of jobs that set their own limits: a sample_limit (there is none by
 * default), and limits raised out of reach so that only memory_limit holds.
 */
export const JOB_YAML: Partial<Record<HostileName, string>> = {
  series: "    sample_limit: 50000\n",
  big_unlimited: "    body_size_limit: 2GiB\n",
  series_unlimited: "    sample_limit: 10000000\n",
};

/** The path a hostile target is served at. */
export function hostilePath(name: HostileName): string {
  return name.replace(/_unlimited$/, "");
}

/** One hostile target's name. */
export type HostileName = keyof typeof HOSTILE;

const MiB = 1024 * 1024;
const text = { "Content-Type": "text/plain; version=0.0.4" };
const BIG_BYTES = 300_000_000;
const BOMB_BYTES = 512 * MiB;
const SERIES = 1_000_000;

/** The running servers. */
export interface HostileServer {
  /** `127.0.0.1:<port>` of the hostile targets (served by a child process). */
  readonly address: string;
  /** `127.0.0.1:<port>` of the healthy target (served by the test process). */
  readonly healthyAddress: string;
  /** Times (ms) at which the healthy target was scraped. */
  readonly healthyScrapes: number[];
  stop(): void;
}

/** A chunked body of `total` bytes of `x`, made as it is read (never held whole). */
function streamed(total: number): ReadableStream<Uint8Array> {
  // 1 MiB a pull (was 64 KiB): 16 pulls, not 256, through this test process's event loop to
  // reach the agent's 16 MiB body limit, which has to happen within its 1 s scrape timeout
  // also on a loaded machine.
  const chunk = new Uint8Array(MiB).fill(0x78);
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      if (sent >= total) return c.close();
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      c.enqueue(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

/** A body that sends a comment line every 200 ms until the client goes away. */
function trickle(): ReadableStream<Uint8Array> {
  const line = new TextEncoder().encode("# still here\n");
  return new ReadableStream({
    async pull(c) {
      await Bun.sleep(200);
      c.enqueue(line);
    },
  });
}

/** One series with a label value of `bytes` bytes. */
function longLabel(bytes: number): Uint8Array {
  const head = 'hostile_metric{l="';
  const tail = '"} 1\n';
  const b = new Uint8Array(head.length + bytes + tail.length).fill(0x61);
  b.set(new TextEncoder().encode(head), 0);
  b.set(new TextEncoder().encode(tail), head.length + bytes);
  return b;
}

function manySeries(): Uint8Array {
  const lines: string[] = [];
  for (let i = 0; i < SERIES; i++) lines.push(`s${i} 1\n`);
  return new TextEncoder().encode(lines.join(""));
}

/**
 * Serves the hostile targets on a free port of 127.0.0.1; bodies that can be made ahead are made
 * once here.
 */
export function serveHostile(): { port: number; stop(): void } {
  const bomb = Bun.gzipSync(new Uint8Array(BOMB_BYTES), { level: 9 });
  const series = manySeries();
  const label50 = longLabel(50_000_000);
  const label1 = longLabel(MiB);
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch(req) {
      switch (new URL(req.url).pathname) {
        case "/big":
          return new Response(streamed(BIG_BYTES), { headers: text });
        case "/bomb":
          return new Response(bomb, { headers: { ...text, "Content-Encoding": "gzip" } });
        case "/slow":
          return new Response(trickle(), { headers: text });
        case "/series":
          return new Response(series, { headers: text });
        case "/label50mb":
          return new Response(label50, { headers: text });
        case "/label1mb":
          return new Response(label1, { headers: text });
        case "/malformed":
          return new Response("this is { not an exposition\n", { headers: text });
        default:
          return new Response("not found", { status: 404 });
      }
    },
  });
  return { port: server.port as number, stop: () => server.stop(true) };
}

/**
 * Starts the hostile targets in a child process and the healthy target in this one. Apart, so
 * that the healthy target's scrape times are the agent's: when one process served both, its
 * event loop, busy pushing a 300 MB body, delayed the healthy request by over a second under
 * load and the test blamed the agent.
 */
export async function startHostileServer(): Promise<HostileServer> {
  const child = Bun.spawn([process.execPath, import.meta.path], {
    // Held open while this process lives: the child exits when it closes, also after a kill.
    stdin: "pipe",
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = child.stdout.getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done)
      throw new Error(`hostile server exited before listening (exit ${await child.exited})`);
    out += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const healthyScrapes: number[] = [];
  const healthy = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      if (new URL(req.url).pathname !== "/healthy")
        return new Response("not found", { status: 404 });
      healthyScrapes.push(Date.now());
      return new Response("healthy_requests_total 1\nhealthy_up 1\n", { headers: text });
    },
  });
  return {
    address: `127.0.0.1:${Number(out.trim())}`,
    healthyAddress: `127.0.0.1:${healthy.port}`,
    healthyScrapes,
    stop: () => {
      healthy.stop(true);
      child.kill();
    },
  };
}

if (import.meta.main) {
  console.log(serveHostile().port);
  // The test process went away (stop() or a kill of it): so does this server.
  for await (const _ of Bun.stdin.stream());
  process.exit(0);
}
