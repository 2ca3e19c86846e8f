import { describe, expect, test } from "bun:test";
import { labelsToMap } from "../../shared/model/labels.ts";
import { AUDIT_CODEC, auditLogRecord, auditRecord, MAX_MESSAGE } from "./record.ts";

const base = {
  actor: { kind: "anonymous" as const, name: "anonymous" },
  source: "127.0.0.1",
  action: "config.reload",
  outcome: "failed" as const,
};

describe("auditRecord()", () => {
  test("fills id and time, strips URLs from the message and caps it", () => {
    const r = auditRecord(
      { ...base, message: `post https://hooks.example/T0K3N failed ${"x".repeat(2000)}` },
      5,
    );
    expect(r.time).toBe(5);
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.message).not.toContain("T0K3N");
    expect(r.message!.length).toBe(MAX_MESSAGE);
  });

  test("leaves out a summary of changes larger than the cap", () => {
    const r = auditRecord({ ...base, changes: { matchers: ["x".repeat(20_000)] } });
    expect(r.changes).toEqual({ truncated: true });
  });

  test("writes a JSON line in {job=outpost, stream=audit, action} with a message id of its own", () => {
    const r = auditRecord({ ...base, id: "fixed", time: 1000 });
    const line = auditLogRecord(r);
    expect(labelsToMap(line.labels)).toEqual(
      new Map([
        ["action", "config.reload"],
        ["job", "outpost"],
        ["stream", "audit"],
      ]),
    );
    expect(JSON.parse(line.line)).toEqual(r);
    expect(line.timeNs).toBe(1_000_000_000n);
    expect(AUDIT_CODEC.batchMsgId("default", ["fixed"])).toBe("audit-default-fixed");
  });
});
