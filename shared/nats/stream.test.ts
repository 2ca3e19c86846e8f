import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import {
  connect,
  DiscardPolicy,
  type JetStreamManager,
  type NatsConnection,
  RetentionPolicy,
  StorageType,
} from "nats";
import { type NatsServerHandle, startNatsServer } from "../../test/harness/nats.ts";
import { ensureStream, type StreamOptions, subjectCovers } from "./stream.ts";

let nats: NatsServerHandle;
let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  jsm = await nc.jetstreamManager();
});
afterAll(async () => {
  await nc?.close();
  await nats?.dispose();
});

let streams = 0;
function options(o: Partial<StreamOptions> = {}): StreamOptions {
  streams++;
  return {
    name: `S${streams}`,
    subjects: [`p${streams}.ingest.>`],
    maxAgeMs: 3_600_000,
    maxBytes: 1 << 20,
    duplicateWindowMs: 600_000,
    ...o,
  };
}

/** Runs `fn` and returns the warning lines it logged. */
async function warnings(fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const spy = spyOn(process.stderr, "write").mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return lines.filter((l) => l.includes("level=warn"));
}

describe("ensureStream()", () => {
  test("creates a missing stream with file storage, limits retention, discard old and the given limits", async () => {
    const opts = options();
    await ensureStream(jsm, opts);
    const { config } = await jsm.streams.info(opts.name);
    expect(config.subjects).toEqual(opts.subjects);
    expect(config.storage).toBe(StorageType.File);
    expect(config.retention).toBe(RetentionPolicy.Limits);
    expect(config.discard).toBe(DiscardPolicy.Old);
    expect(config.max_age).toBe(3_600_000 * 1e6);
    expect(config.max_bytes).toBe(1 << 20);
    expect(config.duplicate_window).toBe(600_000 * 1e6);
  });

  test("leaves an existing stream as it is", async () => {
    const opts = options();
    await jsm.streams.add({
      name: opts.name,
      subjects: ["other.>", ...opts.subjects],
      max_msgs: 7,
      duplicate_window: 600e9,
    });
    const logged = await warnings(() => ensureStream(jsm, { ...opts, maxBytes: 99 }));
    const { config } = await jsm.streams.info(opts.name);
    expect(config.max_msgs).toBe(7);
    expect(config.max_bytes).toBe(-1);
    expect(config.subjects).toEqual(["other.>", ...opts.subjects]);
    expect(logged).toEqual([]);
  });

  const misfits: [string, (o: StreamOptions) => Record<string, unknown>, RegExp][] = [
    [
      "a duplicate window under 10 minutes",
      (o) => ({ subjects: o.subjects, duplicate_window: 60e9 }),
      /duplicate window/,
    ],
    [
      "subjects that miss the agent's",
      (o) => ({ subjects: [o.subjects[0].replace(">", "metrics.*")], duplicate_window: 600e9 }),
      /does not capture/,
    ],
  ];
  test.each(misfits)("warns about an existing stream with %s", async (_, config, warning) => {
    const opts = options();
    await jsm.streams.add({ name: opts.name, ...config(opts) });
    const logged = await warnings(() => ensureStream(jsm, opts));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(warning);
  });

  test("programs starting at once each get the stream one of them created", async () => {
    const others = await Promise.all([1, 2, 3].map(() => connect({ servers: nats.url })));
    try {
      const managers = await Promise.all(others.map((c) => c.jetstreamManager()));
      for (let round = 0; round < 30; round++) {
        const opts = options();
        const infos = await Promise.all(managers.map((m) => ensureStream(m, opts)));
        expect(infos.map((i) => i.config.name)).toEqual([opts.name, opts.name, opts.name]);
      }
    } finally {
      await Promise.all(others.map((c) => c.close()));
    }
  });

  test("refuses a stream whose subjects another stream already takes, naming the overlap", async () => {
    const first = options();
    await ensureStream(jsm, first);
    const clash = options({ subjects: first.subjects });
    await expect(ensureStream(jsm, clash)).rejects.toThrow("subjects overlap");
  });

  test("refuses a duplicate window longer than the max age", async () => {
    const opts = options({ maxAgeMs: 60_000 });
    await expect(ensureStream(jsm, opts)).rejects.toThrow(RangeError);
    await expect(jsm.streams.info(opts.name)).rejects.toThrow(/not found/);
  });
});

describe("subjectCovers()", () => {
  const cases: [string, string, boolean][] = [
    ["outpost.ingest.>", "outpost.ingest.>", true],
    ["outpost.>", "outpost.ingest.>", true],
    [">", "outpost.ingest.>", true],
    ["outpost.ingest.*", "outpost.ingest.>", false],
    ["outpost.ingest.>", "outpost.ingest", false],
    ["outpost.ingest.>", "outpost.ingest.t1.metrics.a", true],
    ["outpost.*.*.metrics.*", "outpost.ingest.t1.metrics.a", true],
    ["outpost.*.*.metrics.*", "outpost.ingest.t1.logs.a", false],
    ["outpost.*.t1", "outpost.*.t1", true],
    ["outpost.ingest.t1", "outpost.*.t1", false],
    ["outpost.ingest", "outpost.ingest", true],
    ["outpost.ingest", "outpost.ingest.x", false],
  ];
  test.each(cases)("%p covers %p: %p", (filter, subject, want) => {
    expect(subjectCovers(filter, subject)).toBe(want);
  });
});
