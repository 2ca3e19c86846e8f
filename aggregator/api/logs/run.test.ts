/**
 * A costly regex in a LogQL line filter ends at the query's deadline and lets other work run
 * meanwhile (shared/runtime/budget.ts; the record loop's turns). Without both the query below
 * holds the thread for as long as its lines take: the timer of its deadline cannot fire.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeBatch } from "../../../shared/codec/decode.ts";
import { BatchEncoder } from "../../../shared/codec/encode.ts";
import { OutpostError } from "../../../shared/errors/errors.ts";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import { costlyPattern, costlyText } from "../../../shared/regex/testing.ts";
import { runLogQuery } from "../../logs/logql/query.ts";
import type { LogsStore } from "../../logs/store.ts";
import { testLogsStore } from "../../logs/testing.ts";
import { DEADLINE_EXCEEDED, queryLogs } from "./run.ts";

const S = 1_000_000_000n;
const T0 = 1_700_000_000n * S;
const LINES = 400;
let root: string;
let store: LogsStore;

// The lines wait in the logs head, as the last minutes' lines do.
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "outpost-logs-run-"));
  ({ store } = await testLogsStore(root));
  const enc = new BatchEncoder();
  for (let i = 0; i < LINES; i++) {
    enc.addLog({
      timeNs: T0 + BigInt(i) * S,
      labels: labelsFromRecord({ app: "costly" }),
      line: costlyText(`line ${i} `),
      fields: [],
    });
  }
  const batch = decodeBatch(enc.finish());
  store.accept({ tenant: "default", signal: "logs", agent: "a", batch, checked: true }, 1);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function timing(filter: string, timeoutMs: number) {
  const began = performance.now();
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    await queryLogs(
      store.queryable("default"),
      { run: runLogQuery, timeoutMs },
      {
        query: `{app="costly"} |~ "${filter}"`,
        startNs: T0,
        endNs: T0 + BigInt(LINES) * S,
        stepMs: 0,
        limit: 1_000,
        direction: "backward",
        instant: false,
      },
      new AbortController().signal,
    );
    return { error: null, ms: performance.now() - began, ticks };
  } catch (error) {
    return { error, ms: performance.now() - began, ticks };
  } finally {
    clearInterval(timer);
  }
}

// Pinned at both ends so that no match is found early: half a second a 220-character line.
const COSTLY = costlyPattern("q", true);

/**
 * The timeout leaves room for three lines however slow: the query's turn between lines is an
 * immediate, and a timer runs only after the second turn. With a 3 s timeout a loaded machine
 * (CI, both shards on two cores) once took 3.1 s over the first line: the query ended at its
 * first check with no turn given, and the timer never ticked.
 */
const TIMEOUT_MS = 10_000;

test(
  "a costly line filter stops at the query's timeout, other work running meanwhile",
  async () => {
    const { error, ms, ticks } = await timing(COSTLY, TIMEOUT_MS);
    expect(error).toBeInstanceOf(OutpostError);
    expect([(error as OutpostError).code, (error as OutpostError).message]).toEqual([
      "timeout",
      DEADLINE_EXCEEDED,
    ]);
    // All 400 lines would take minutes; the deadline is looked at between lines.
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(ms).toBeLessThan(3 * TIMEOUT_MS);
    // Held off for the whole query, a timer would not tick before it ended.
    expect(ticks).toBeGreaterThanOrEqual(1);
  },
  4 * TIMEOUT_MS,
);

test("a line filter answered in time keeps its lines", async () => {
  const { error } = await timing("line 1[0-9] ", 10_000);
  expect(error).toBeNull();
});
