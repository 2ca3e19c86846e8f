import { describe, expect, test } from "bun:test";
import { labelsFromRecord, labelValue } from "../../../shared/model/labels.ts";
import { parseRuleFile } from "../file.ts";
import type { AlertingRule } from "../model.ts";
import { AlertingState, RESOLVED_RETENTION_MS } from "./alerting.ts";
import type { OutputSample } from "./output.ts";
import { expandUnchanged } from "./template.ts";

function rule(yaml: string): AlertingRule {
  const text = `groups:\n- name: g\n  rules:\n  - alert: High\n    expr: up > 0\n${yaml}`;
  const r = parseRuleFile(text, "t.yml").groups[0].rules[0];
  if (r.type !== "alerting") throw new Error("Cannot build the test rule: not an alert");
  return r;
}

const ctx = { expand: expandUnchanged, externalLabels: {}, externalURL: "", limit: 0 };
const series = (inst: string, value = 1): OutputSample => ({
  labels: labelsFromRecord({ __name__: "up", instance: inst }),
  value,
});

/** Runs the rule at each second in `steps` (true: the series is present) and returns the states. */
async function run(state: AlertingState, steps: boolean[]): Promise<string[]> {
  const states: string[] = [];
  for (const [i, present] of steps.entries()) {
    await state.apply(present ? [series("a")] : [], i * 1000, ctx);
    states.push([...state.active.values()].map((a) => a.state).join(",") || "-");
  }
  return states;
}

describe("AlertingState", () => {
  test("an alert is pending until it held for `for`, then fires", async () => {
    const s = new AlertingState(rule("    for: 3s\n"));
    expect(await run(s, [true, true, true, true, true])).toEqual([
      "pending",
      "pending",
      "pending",
      "firing",
      "firing",
    ]);
    const a = [...s.active.values()][0];
    expect(a.activeAt).toBe(0);
    expect(a.firedAt).toBe(3000);
  });

  test("an alert without `for` fires at its first evaluation", async () => {
    expect(await run(new AlertingState(rule("")), [true])).toEqual(["firing"]);
  });

  test("a pending alert whose series leaves is dropped, not resolved", async () => {
    expect(await run(new AlertingState(rule("    for: 3s\n")), [true, false])).toEqual([
      "pending",
      "-",
    ]);
  });

  test("a firing alert whose series leaves is resolved and kept for the notifier", async () => {
    const s = new AlertingState(rule(""));
    expect(await run(s, [true, false, false])).toEqual(["firing", "inactive", "inactive"]);
    expect([...s.active.values()][0].resolvedAt).toBe(1000);
    await s.apply([], 1000 + RESOLVED_RETENTION_MS + 1, ctx);
    expect(s.active.size).toBe(0);
  });

  test("keep_firing_for holds a firing alert after its series left, then resolves it", async () => {
    const s = new AlertingState(rule("    keep_firing_for: 2s\n"));
    expect(await run(s, [true, false, false, false])).toEqual([
      "firing",
      "firing",
      "firing",
      "inactive",
    ]);
  });

  test("a series back during keep_firing_for resets the hold", async () => {
    const s = new AlertingState(rule("    keep_firing_for: 2s\n"));
    await run(s, [true, false]);
    expect([...s.active.values()][0].keepFiringSince).toBe(1000);
    await s.apply([series("a")], 2000, ctx);
    expect([...s.active.values()][0].keepFiringSince).toBe(0);
  });

  test("a flapping alert starts pending again with a new ActiveAt after it resolved", async () => {
    const s = new AlertingState(rule("    for: 1s\n"));
    expect(await run(s, [true, true, false, true])).toEqual([
      "pending",
      "firing",
      "inactive",
      "pending",
    ]);
    expect([...s.active.values()][0].activeAt).toBe(3000);
  });

  test("ALERTS and ALERTS_FOR_STATE are written once restored, with ActiveAt in seconds", async () => {
    const s = new AlertingState(rule("    for: 3s\n    labels: { severity: page }\n"));
    expect(await s.apply([series("a")], 1500, ctx)).toEqual([]);
    s.restored = true;
    const out = await s.apply([series("a")], 2500, ctx);
    expect(out).toEqual([
      {
        labels: labelsFromRecord({
          __name__: "ALERTS",
          alertname: "High",
          alertstate: "pending",
          instance: "a",
          severity: "page",
        }),
        value: 1,
      },
      {
        labels: labelsFromRecord({
          __name__: "ALERTS_FOR_STATE",
          alertname: "High",
          instance: "a",
          severity: "page",
        }),
        value: 1,
      },
    ]);
  });

  test("the ALERTS label set follows the alert's state while its label sets are reused", async () => {
    const state = (out: OutputSample[]) => out.map((o) => labelValue(o.labels, "alertstate"));
    const fast = new AlertingState(rule("    for: 2s\n    keep_firing_for: 1s\n"));
    const slow = new AlertingState(fast.rule);
    fast.restored = slow.restored = true;
    const present = [true, true, true, false, false, true, true];
    const seen: string[][] = [];
    for (const [i, p] of present.entries()) {
      const input = p ? [series("a"), series("b")] : [series("b")];
      const out = await fast.apply(input, i * 1000, ctx);
      expect(out).toEqual(await slow.apply(input, i * 1000, { ...ctx, reference: true }));
      seen.push(state(out));
    }
    expect(seen.map((s) => s.join(","))).toEqual([
      "pending,,pending,",
      "pending,,pending,",
      "firing,,firing,",
      "firing,,firing,",
      "firing,",
      "pending,,firing,",
      "pending,,firing,",
    ]);
  });

  test("more alerts than the limit fail the rule and drop its alerts", async () => {
    const s = new AlertingState(rule(""));
    await expect(s.apply([series("a"), series("b")], 0, { ...ctx, limit: 1 })).rejects.toThrow(
      "exceeded limit of 1 with 2 alerts",
    );
    expect(s.active.size).toBe(0);
  });

  test("labels and annotations go through the template hook with the series and value", async () => {
    const seen: string[] = [];
    const expand = (text: string, d: { labels: Record<string, string>; value: number }) => {
      seen.push(`${text}:${d.labels.instance}:${d.value}`);
      return text.replace("$value", String(d.value));
    };
    const s = new AlertingState(
      rule("    labels: { sev: 'v$value' }\n    annotations: { summary: 'at $value' }\n"),
    );
    await s.apply([series("a", 7)], 0, { ...ctx, expand });
    const a = [...s.active.values()][0];
    expect(a.labels).toContain("v7");
    expect(a.annotations).toEqual({ summary: "at 7" });
    expect(seen).toEqual(["v$value:a:7", "at $value:a:7"]);
  });

  test("the notifier gets firing alerts every resend delay and a resolution at once", async () => {
    const s = new AlertingState(rule(""));
    const t = 1_700_000_000_000;
    await s.apply([series("a")], t, ctx);
    expect(s.toSend(t, 60_000, 1000, "")).toHaveLength(1);
    expect(s.toSend(t + 1000, 60_000, 1000, "")).toHaveLength(0);
    await s.apply([], t + 2000, ctx);
    const [resolved] = s.toSend(t + 2000, 60_000, 1000, "");
    expect(resolved.endsAt).toBe(t + 2000);
  });
});
