import { afterAll, describe, expect, test } from "bun:test";
import { lokiApi, lokiWebSocket } from "../aggregator/api/http/loki/loki.ts";
import { MemoryLogs } from "../aggregator/logs/memory.ts";
import { labelsFromRecord } from "../shared/model/labels.ts";
import type { LogRecord } from "../shared/model/log.ts";
import { formatStreams, formatTailFrame, formatTime, labelSet, type Stream } from "./logs.ts";

const streams: Stream[] = [
  {
    stream: { job: "api", level: "info" },
    values: [
      ["1700000002000000000", "  second  "],
      ["1700000000000000000", "first"],
    ],
  },
  { stream: { job: "api", level: "error" }, values: [["1700000001500000000", "boom"]] },
];

describe("formatStreams()", () => {
  // [output mode, common labels, lines]
  const cases: [string, string, string[]][] = [
    [
      "default",
      '{job="api"}',
      [
        '2023-11-14T22:13:22Z {level="info"}  second',
        '2023-11-14T22:13:21Z {level="error"} boom',
        '2023-11-14T22:13:20Z {level="info"}  first',
      ],
    ],
    ["raw", '{job="api"}', ["  second  ", "boom", "first"]],
    [
      "jsonl",
      '{job="api"}',
      [
        '{"labels":{"job":"api","level":"info"},"line":"  second  ","timestamp":"2023-11-14T22:13:22Z"}',
        '{"labels":{"job":"api","level":"error"},"line":"boom","timestamp":"2023-11-14T22:13:21.5Z"}',
        '{"labels":{"job":"api","level":"info"},"line":"first","timestamp":"2023-11-14T22:13:20Z"}',
      ],
    ],
  ];
  for (const [output, common, lines] of cases) {
    test(`prints ${output} lines newest first without the common labels`, () => {
      const got = formatStreams(streams, { output: output as "default", utc: true });
      expect(got).toEqual({ common, lines });
    });
  }

  test("prints empty labels for a single stream, as logcli does", () => {
    const got = formatStreams([streams[1]], { output: "default", utc: true });
    expect(got.lines).toEqual(["2023-11-14T22:13:21Z {} boom"]);
    expect(got.common).toBe('{job="api", level="error"}');
  });
});

describe("formatTailFrame()", () => {
  test("prints lines in the order received with all their labels", () => {
    expect(formatTailFrame(streams, { output: "default", utc: true })).toEqual([
      '2023-11-14T22:13:22Z {job="api", level="info"} second',
      '2023-11-14T22:13:20Z {job="api", level="info"} first',
      '2023-11-14T22:13:21Z {job="api", level="error"} boom',
    ]);
  });
});

describe("labelSet()", () => {
  test("sorts names and quotes values as Go does", () => {
    expect(labelSet({ b: 'say "x"', a: "\u0001" }, {})).toBe('{a="\\x01", b="say \\"x\\""}');
  });
});

describe("formatTime()", () => {
  const cases: [bigint, boolean, string][] = [
    [1_700_000_000_123_000_000n, false, "2023-11-14T22:13:20Z"],
    [1_700_000_000_123_000_000n, true, "2023-11-14T22:13:20.123Z"],
    [1_700_000_000_000_000_001n, true, "2023-11-14T22:13:20.000000001Z"],
    [-1n, true, "1969-12-31T23:59:59.999999999Z"],
  ];
  for (const [ns, nano, text] of cases) {
    test(`writes ${ns} ns as ${text}`, () => expect(formatTime(ns, true, nano)).toBe(text));
  }
});

describe("outpost logs", () => {
  const logs = new MemoryLogs();
  const server = Bun.serve({
    port: 0,
    fetch: lokiApi({ logs: () => logs, tailPollMs: 50 }).fetch,
    websocket: lokiWebSocket,
  });
  afterAll(() => server.stop(true));
  const nowNs = () => BigInt(Date.now()) * 1_000_000n;
  const record = (job: string, line: string): LogRecord => ({
    timeNs: nowNs(),
    labels: labelsFromRecord({ job, host: "h1" }),
    line,
    fields: [],
  });
  const outpost = (...args: string[]) =>
    Bun.spawn(
      ["bun", "cli/outpost.ts", "logs", "--server", server.url.href, "-z", "UTC", ...args],
      {
        cwd: `${import.meta.dir}/..`,
        stdout: "pipe",
        stderr: "pipe",
      },
    );

  test("prints the lines of a log query as logcli does", async () => {
    logs.append([record("cli", "hello"), record("cli", "world")]);
    const proc = outpost('{job="cli"}');
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect(code).toBe(0);
    expect(err).toBe('Common labels: {host="h1", job="cli"}\n');
    expect(out).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \{\} world\n\S+ \{\} hello\n$/);
  });

  test("prints a metric query as a table", async () => {
    const proc = outpost('sum by (job) (count_over_time({job="cli"}[1h]))', "--since", "5m");
    const out = await new Response(proc.stdout).text();
    expect(await proc.exited).toBe(0);
    expect(out).toStartWith('{job="cli"}\n');
  });

  test("reports the server's error and fails", async () => {
    const proc = outpost('{job="cli"');
    const err = await new Response(proc.stderr).text();
    expect(await proc.exited).toBe(1);
    expect(err).toStartWith(
      `Cannot query logs on ${server.url.href.replace(/\/$/, "")}: 400 parse error`,
    );
  });

  test("follows new lines until interrupted", async () => {
    const proc = outpost("--follow", "--output", "raw", '{job="follow"}');
    let out = "";
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const bytes of proc.stdout) out += decoder.decode(bytes);
    })();
    // Whether the line lands in the tail's history or in one of its polls, it prints once.
    await Bun.sleep(500);
    logs.append([record("follow", "live line")]);
    const deadline = Date.now() + 5000;
    while (!out.includes("live line") && Date.now() < deadline) await Bun.sleep(20);
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(0);
    await reading;
    expect(out).toBe("live line\n");
  });
});
