/**
 * The journal source in-process over a live namespaced journald (test/harness/journald.ts):
 * records reach the consumer with their fields and the cursor is saved once they are
 * acknowledged; a journalctl that fails is counted and retried, never fatal.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../../shared/metrics/registry.ts";
import type { LogRecord } from "../../../shared/model/log.ts";
import {
  canRunJournald,
  type JournaldHandle,
  startJournald,
} from "../../../test/harness/journald.ts";
import { cursorPath, loadCursor } from "./checkpoint.ts";
import { journalSchema } from "./config.ts";
import { JournalSource } from "./source.ts";

setDefaultTimeout(30_000);

/** A consumer that keeps records and acknowledges each push when told. */
function consumer() {
  const records: LogRecord[] = [];
  const acks: (() => void)[] = [];
  return {
    records,
    ackAll: () => {
      for (const a of acks.splice(0)) a();
    },
    pushLogs(rs: readonly LogRecord[]) {
      records.push(...rs);
      return new Promise<void>((resolve) => acks.push(resolve));
    },
  };
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

describe.skipIf(!canRunJournald())("journal source over a live journald", () => {
  let journald: JournaldHandle | null = null;
  afterAll(() => journald?.stop());

  test("logger lines arrive with fields; the cursor moves only once they are acknowledged", async () => {
    journald = await startJournald();
    const dataDir = mkdtempSync(join(tmpdir(), "outpost-journal-"));
    const sink = consumer();
    const source = new JournalSource({
      config: journalSchema.parse({
        enabled: true,
        namespace: journald.namespace,
        start_at: "beginning",
      }),
      consumer: sink,
      registry: new Registry(),
      dataDir,
      externalLabels: { host: "test" },
    });
    source.start();
    try {
      await journald.logger("first line", "app-one");
      await until("the line", () => sink.records.some((r) => r.line === "first line"));
      const r = sink.records.find((x) => x.line === "first line")!;
      expect(r.labels).toEqual(["host", "test", "job", "systemd-journal", "level", "info"]);
      expect(r.fields).toContain("app-one");
      await Bun.sleep(1_200);
      expect(await loadCursor(cursorPath(dataDir, "journal"))).toBeNull();
      sink.ackAll();
      await until(
        "the cursor",
        async () => (await loadCursor(cursorPath(dataDir, "journal"))) !== null,
      );
    } finally {
      await source.stop();
    }
  });

  test("a quiet journal stops journalctl, and a write starts it again with nothing lost or repeated", async () => {
    journald ??= await startJournald();
    const registry = new Registry();
    const sink = consumer();
    const source = new JournalSource({
      config: journalSchema.parse({
        enabled: true,
        namespace: journald.namespace,
        rest_after: "300ms",
      }),
      consumer: sink,
      registry,
      dataDir: mkdtempSync(join(tmpdir(), "outpost-journal-")),
      externalLabels: {},
    });
    const following = () =>
      /outpost_agent_journal_following\{[^}]*\} (\d+)/.exec(registry.render())?.[1];
    const lines = (prefix: string) =>
      sink.records.filter((r) => r.line.startsWith(prefix)).map((r) => r.line);
    source.start();
    try {
      // Nothing pushed yet (start_at: end): the rest resumes after the journal's newest entry.
      await until("journalctl following", () => following() === "1");
      await until("the first rest", () => following() === "0");
      await journald.logger("rest-a 1");
      await journald.logger("rest-a 2");
      await until("the lines written while resting", () => lines("rest-a").length === 2);
      sink.ackAll();
      // Resting again, now after a pushed entry.
      await until("the second rest", () => following() === "0");
      for (let i = 1; i <= 5; i++) await journald.logger(`rest-b ${i}`);
      await until("the second lines", () => lines("rest-b").length === 5);
      await Bun.sleep(500);
      expect(lines("rest-a")).toEqual(["rest-a 1", "rest-a 2"]);
      expect(lines("rest-b")).toEqual([1, 2, 3, 4, 5].map((i) => `rest-b ${i}`));
    } finally {
      await source.stop();
    }
  });
});

test("rest_after: 0 keeps journalctl running", () => {
  expect(journalSchema.parse({ rest_after: "0" }).rest_after).toBe(0);
  expect(journalSchema.parse({}).rest_after).toBe(30_000);
});

test("a journalctl that fails is counted and retried, and stop() still returns", async () => {
  const registry = new Registry();
  const source = new JournalSource({
    config: journalSchema.parse({ enabled: true, journalctl: "false" }),
    consumer: consumer(),
    registry,
    dataDir: mkdtempSync(join(tmpdir(), "outpost-journal-")),
    externalLabels: {},
  });
  source.start();
  const errors = () =>
    Number(
      /outpost_component_errors_total\{[^}]*component_id="journal"[^}]*\} (\d+)/.exec(
        registry.render(),
      )?.[1] ?? 0,
    );
  await until("an error counted", () => errors() >= 1);
  await source.stop();
});
