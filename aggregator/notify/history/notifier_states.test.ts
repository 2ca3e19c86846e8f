import { describe, expect, test } from "bun:test";
import { receiveAlert } from "../alerts.ts";
import { NotifierStates } from "./notifier_states.ts";
import type { HistoryRecord, StateRecord } from "./record.ts";

const T = 1_700_000_000_000;
const alert = (endsAt?: number, startsAt = T) =>
  receiveAlert({ labels: { alertname: "A", x: "1" }, startsAt, endsAt }, T, 300_000);

function recorder() {
  const records: HistoryRecord[] = [];
  const states = new NotifierStates({ record: (r) => records.push(r) });
  const summary = () => (records as StateRecord[]).map((r) => `${r.state}@${r.time - T}`);
  return { states, summary, records };
}

describe("NotifierStates", () => {
  test("records firing once however often the alert is re-posted, then its resolution", () => {
    const { states, summary } = recorder();
    for (let i = 0; i < 5; i++) states.seen(alert(), T + i * 60_000);
    states.seen(alert(T + 400_000), T + 400_000);
    states.seen(alert(T + 400_000), T + 410_000);
    expect(summary()).toEqual(["firing@0", "resolved@400000"]);
  });

  test("records silenced, inhibited and unmuted as a flush finds them, each once", () => {
    const { states, summary, records } = recorder();
    const a = alert();
    states.seen(a, T);
    states.muted(a, undefined, T + 1);
    states.muted(a, { silencedBy: ["s1"] }, T + 2);
    states.muted(a, { silencedBy: ["s1"] }, T + 3);
    states.muted(a, { inhibitedBy: ["f0"] }, T + 4);
    states.muted(a, undefined, T + 5);
    expect(summary()).toEqual(["firing@0", "silenced@2", "inhibited@4", "unmuted@5"]);
    expect(records[1]).toMatchObject({ silencedBy: ["s1"], fingerprint: a.fingerprint });
  });

  test("forgets a resolved alert an hour after its end, checking once a minute", () => {
    const { states, summary } = recorder();
    const resolved = alert(T + 60_000);
    states.seen(resolved, T + 60_000);
    states.seen(resolved, T + 61 * 60_000); // known still: not recorded again
    const other = { ...alert(), labels: { alertname: "B" }, fingerprint: "b" };
    states.seen(other, T + 62 * 60_000); // the scan: `resolved` ended over an hour ago
    states.seen(other, T + 62 * 60_000 + 1);
    states.seen(resolved, T + 62 * 60_000 + 2); // forgotten: recorded as new
    expect(summary()).toEqual(["resolved@60000", "resolved@300000", "resolved@60000"]);
  });

  test("a new dispatcher rebuilding its groups leaves out changes older than the duplicate window", () => {
    const { states, summary } = recorder();
    states.seen(alert(undefined, T - 3600_000), T, true);
    states.seen(
      { ...alert(undefined, T - 60_000), labels: { alertname: "B" }, fingerprint: "b" },
      T,
      true,
    );
    expect(summary()).toEqual(["firing@-60000"]);
  });
});
