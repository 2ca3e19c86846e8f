import { describe, expect, test } from "bun:test";
import { MemoryLogs } from "../logs/memory.ts";
import { auditLogQL, queryAudit } from "./query.ts";
import { type AuditInput, auditLogRecord, auditRecord, changeId } from "./record.ts";

const T = 1_700_000_000_000;
const editor = {
  kind: "token" as const,
  name: "ci",
  id: "abc",
  user: "editor",
  role: "editor" as const,
};
const rec = (i: number, over: Partial<AuditInput> = {}) =>
  auditRecord({
    time: T + i * 1000,
    actor: editor,
    source: "10.0.0.1",
    action: "silence.create",
    target: `s${i}`,
    outcome: "ok",
    ...over,
  });
const ask = { startMs: T - 1, endMs: T + 60_000, limit: 100 };

describe("queryAudit()", () => {
  test("filters by actor (name, token id or owner), action prefix and target, newest first", async () => {
    const logs = new MemoryLogs();
    logs.append(
      [
        rec(1),
        rec(2, { action: "silence.expire", target: "s1" }),
        rec(3, { action: "token.create", actor: { kind: "user", name: "admin" } }),
        rec(4, { action: "silences.other" }),
      ].map(auditLogRecord),
    );
    const actions = async (q: object) =>
      (await queryAudit(logs, { ...ask, ...q })).map((r) => `${r.action}/${r.target}`);
    expect(await actions({})).toEqual([
      "silences.other/s4",
      "token.create/s3",
      "silence.expire/s1",
      "silence.create/s1",
    ]);
    expect(await actions({ actionPrefix: "silence." })).toEqual([
      "silence.expire/s1",
      "silence.create/s1",
    ]);
    expect(await actions({ target: "s1" })).toEqual(["silence.expire/s1", "silence.create/s1"]);
    for (const actor of ["ci", "abc", "editor"]) expect((await actions({ actor })).length).toBe(3);
    expect(await actions({ actor: "admin" })).toEqual(["token.create/s3"]);
    expect(await actions({ limit: 1 })).toEqual(["silences.other/s4"]);
  });

  test("keeps the copy that names its actor when a change was also seen in NATS KV", async () => {
    const logs = new MemoryLogs();
    const id = changeId("token.create", ["t1"]);
    const api = rec(1, { id, action: "token.create", target: "t1" });
    const seen = rec(4, {
      id,
      action: "token.create",
      target: "t1",
      actor: { kind: "unknown", name: "unknown" },
    });
    logs.append([auditLogRecord(api), auditLogRecord(seen)]);
    const rs = await queryAudit(logs, ask);
    expect(rs.map((r) => r.actor.name)).toEqual(["ci"]);
  });

  test("skips a line of the stream that is not a whole record (no time, no actor)", async () => {
    const logs = new MemoryLogs();
    const record = rec(1);
    const good = auditLogRecord(record);
    const lines = ['{"id":"x","action":"user.delete","actor":{"kind":"user","name":"a"}}'];
    lines.push('{"id":"y","time":1,"action":"user.delete","actor":"a"}');
    logs.append([
      good,
      ...lines.map((line, i) => ({ ...good, timeNs: good.timeNs + BigInt(i + 1), line })),
    ]);
    expect((await queryAudit(logs, ask)).map((r) => r.id)).toEqual([record.id]);
  });

  test("refuses an action prefix outside a-z 0-9 _ . rather than building a regex of it", async () => {
    expect(queryAudit(new MemoryLogs(), { ...ask, actionPrefix: 'x"}' })).rejects.toThrow(
      RangeError,
    );
    expect(auditLogQL({ ...ask, actionPrefix: "token.c" })).toBe(
      '{job="outpost", stream="audit", action=~"token\\\\.c.*"}',
    );
  });
});
