/**
 * Reading an in-process aggregator from the integrations' end-to-end tests: LogQL ranges
 * through Loki's API (fields beside each line), PromQL instant vectors, and waiting for either.
 */

/** One log line from Loki's API: time, line, and its fields (categorize-labels). */
export type LokiValue = [string, string, { structuredMetadata?: Record<string, string> }?];

interface LokiStreams {
  data: { result: { stream: Record<string, string>; values: LokiValue[] }[] };
}

/** One element of an instant vector. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Calls `fn` until `ok` accepts its result (every 250 ms); throws naming `what` after `ms`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await Bun.sleep(250);
  }
}

/** The lines LogQL `q` selects over the last 10 minutes, with their fields beside them. */
export async function logLines(url: string, q: string): Promise<LokiValue[]> {
  const range = `start=${Date.now() - 600_000}000000&end=${Date.now() + 60_000}000000`;
  // categorize-labels: fields come back beside each line, not merged into the stream's labels.
  const r = await fetch(
    `${url}/loki/api/v1/query_range?query=${encodeURIComponent(q)}&${range}&limit=1000`,
    { headers: { "X-Loki-Response-Encoding-Flags": "categorize-labels" } },
  );
  return ((await r.json()) as LokiStreams).data.result.flatMap((s) => s.values);
}

/** The instant vector PromQL `q` gives now. */
export async function instantVector(url: string, q: string): Promise<PromSample[]> {
  const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
  return ((await r.json()) as { data: { result: PromSample[] } }).data.result;
}
