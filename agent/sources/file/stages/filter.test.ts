import { describe, expect, test } from "bun:test";
import { stagesSchema } from "./schema.ts";
import { metricValue, pipeline, record } from "./testing.ts";

const NOW_NS = BigInt(Date.now()) * 1_000_000n;
const HOUR_NS = 3_600_000_000_000n;

describe("drop and keep stages", () => {
  const lines = [
    record('10.0.0.1 - - "GET /healthz HTTP/1.1" 200 2', {}, NOW_NS),
    record('10.0.0.1 - - "GET /api/users HTTP/1.1" 500 93', {}, NOW_NS),
    record('level=debug msg="cache hit" key=user:7', {}, NOW_NS - 2n * HOUR_NS),
    record(`level=info msg="${"é".repeat(40)}"`, {}, NOW_NS),
  ];
  const cases: { name: string; stages: string; kept: number[] }[] = [
    {
      name: "drop by a regex on the line",
      stages: "- drop: {expression: 'GET /healthz'}",
      kept: [1, 2, 3],
    },
    {
      name: "drop by an anchored regex",
      stages: "- drop: {expression: '^level=debug'}",
      kept: [0, 1, 3],
    },
    {
      name: "drop by an extracted value",
      stages: "- logfmt: {}\n- drop: {source: level, value: debug}",
      kept: [0, 1, 3],
    },
    {
      name: "drop by several sources joined with the separator",
      stages:
        "- logfmt: {}\n- drop: {source: [level, key], separator: '|', expression: '^debug\\|user:'}",
      kept: [0, 1, 3],
    },
    {
      name: "not drop an entry that lacks the source",
      stages: "- drop: {source: level, expression: '.*'}",
      kept: [0, 1, 2, 3],
    },
    {
      name: "drop entries older than a duration",
      stages: "- drop: {older_than: 1h}",
      kept: [0, 1, 3],
    },
    {
      name: "drop lines longer than a size in bytes, not characters",
      stages: "- drop: {longer_than: 60}",
      kept: [0, 1, 2],
    },
    {
      name: "drop only when every criterion matches",
      stages: "- drop: {expression: 'GET', longer_than: 43}",
      kept: [0, 2, 3],
    },
    { name: "keep only matching lines", stages: "- keep: {expression: '\" 5\\d\\d '}", kept: [1] },
    {
      name: "keep by an extracted value",
      stages: "- logfmt: {}\n- keep: {source: level, value: info}",
      kept: [3],
    },
  ];
  for (const c of cases) {
    test(`can ${c.name}`, () => {
      const { processor } = pipeline(c.stages);
      const out = processor.process(lines);
      expect(out).toEqual(c.kept.map((i) => lines[i]));
    });
  }

  test("counts drops per stage and reason", () => {
    const { processor, registry } = pipeline(`
- drop: {expression: healthz, drop_counter_reason: health_checks}
- keep: {expression: '" [45]\\d\\d '}`);
    expect(processor.process(lines)).toEqual([lines[1]]);
    const dropped = "outpost_agent_log_stage_dropped_total";
    expect(
      metricValue(registry, dropped, { stage: "drop", index: "0", reason: "health_checks" }),
    ).toBe(1);
    expect(
      metricValue(registry, dropped, { stage: "keep", index: "1", reason: "keep_stage" }),
    ).toBe(2);
  });

  test("returns the very records it keeps when only filtering", () => {
    const { processor } = pipeline("- drop: {expression: healthz}");
    const out = processor.process(lines);
    expect(out[0]).toBe(lines[1]);
  });

  const bad: [Record<string, unknown>, string][] = [
    [{}, "needs at least one of expression, value, older_than, longer_than"],
    [{ expression: "a", value: "b", source: "x" }, "set expression or value, not both"],
    [{ expression: "(" }, "Cannot compile regex"],
    [{ older_than: "15" }, "missing unit"],
    [{ longer_than: "1 potato" }, ""],
    [{ expresion: "typo" }, ""],
  ];
  for (const [config, message] of bad) {
    test(`schema rejects drop ${JSON.stringify(config)}`, () => {
      const issues = stagesSchema.safeParse([{ drop: config }]).error!.issues;
      expect(issues[0].path.slice(0, 2)).toEqual([0, "drop"]);
      expect(issues.map((i) => i.message).join("; ")).toContain(message);
    });
  }
});
