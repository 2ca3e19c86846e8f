// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${1}` here is a Go template, not JavaScript.
import { describe, expect, test } from "bun:test";
import { PATHOLOGICAL, PATHOLOGICAL_BUDGET_MS } from "../regex/testing.ts";
import { relabelConfigSchema } from "./config.ts";
import { applyRelabel, compileRelabel } from "./relabel.ts";

type Labels = Record<string, string>;

/** One case: rules as written in YAML, the input labels, and the result (or "dropped"). */
type Case = [
  name: string,
  rules: Record<string, unknown>[],
  input: Labels,
  output: Labels | "dropped",
];

function relabel(rules: Record<string, unknown>[], input: Labels): Labels | "dropped" {
  const program = compileRelabel(rules.map((rule) => relabelConfigSchema.parse(rule)));
  const labels = new Map(Object.entries(input));
  return applyRelabel(program, labels) ? Object.fromEntries(labels) : "dropped";
}

/** hashmod computed independently of the implementation: md5, last 8 bytes big-endian, mod m. */
function expectedHashMod(value: string, modulus: number): string {
  const digest = new Bun.CryptoHasher("md5").update(value).digest();
  let tail = 0n;
  for (const byte of digest.subarray(8)) tail = (tail << 8n) | BigInt(byte);
  return String(tail % BigInt(modulus));
}

const abc = { a: "foo", b: "bar", c: "baz" };

const replace: Case[] = [
  [
    "copies a label with the default regex and replacement",
    [{ source_labels: ["a"], target_label: "d" }],
    abc,
    { ...abc, d: "foo" },
  ],
  [
    "writes a capture group into the target",
    [{ source_labels: ["a"], regex: "f(.*)", target_label: "d", replacement: "ch${1}-ch${1}" }],
    abc,
    { ...abc, d: "choo-choo" },
  ],
  [
    "cuts capture groups at code points in non-ASCII values",
    [{ source_labels: ["a"], regex: "(.)é(.+)", target_label: "d", replacement: "$2-$1" }],
    { a: "😀é～x" },
    { a: "😀é～x", d: "～x-😀" },
  ],
  [
    "joins source labels with the default separator",
    [
      {
        source_labels: ["a", "b"],
        regex: "f(.*);(.*)r",
        target_label: "a",
        replacement: "b${1}${2}m",
      },
    ],
    abc,
    { ...abc, a: "boobam" },
  ],
  [
    "joins source labels with a custom separator",
    [{ source_labels: ["a", "b"], separator: "/", target_label: "d" }],
    abc,
    { ...abc, d: "foo/bar" },
  ],
  [
    "treats a missing source label as an empty string",
    [{ source_labels: ["missing", "a"], regex: ";(.*)", target_label: "d" }],
    abc,
    { ...abc, d: "foo" },
  ],
  [
    "changes nothing when the regex does not match",
    [{ source_labels: ["a"], regex: "f", target_label: "b", replacement: "x" }],
    abc,
    abc,
  ],
  [
    "changes nothing when the regex only matches part of the value",
    [{ source_labels: ["a"], regex: "o+", target_label: "d" }],
    abc,
    abc,
  ],
  [
    "deletes the target when the replacement expands to nothing",
    [{ source_labels: ["missing"], target_label: "b" }],
    abc,
    { a: "foo", c: "baz" },
  ],
  [
    "sets a static value without source labels",
    [{ target_label: "env", replacement: "prod" }],
    { a: "1" },
    { a: "1", env: "prod" },
  ],
  [
    "reads named groups",
    [
      {
        source_labels: ["__address__"],
        regex: "(?P<host>[^:]+):(?P<port>\\d+)",
        target_label: "host",
        replacement: "${host}",
      },
    ],
    { __address__: "db:5432" },
    { __address__: "db:5432", host: "db" },
  ],
  [
    "reads $1x as the absent group `1x` and deletes the target",
    [{ source_labels: ["a"], regex: "(f)oo", target_label: "b", replacement: "$1x" }],
    abc,
    { a: "foo", c: "baz" },
  ],
  [
    "reads ${1}x as group 1 followed by x",
    [{ source_labels: ["a"], regex: "(f)oo", target_label: "b", replacement: "${1}x" }],
    abc,
    { ...abc, b: "fx" },
  ],
  [
    "expands groups in the target label",
    [
      {
        source_labels: ["a"],
        regex: "some-([^-]+)-([^,]+)",
        target_label: "${1}",
        replacement: "${2}",
      },
    ],
    { a: "some-name-value" },
    { a: "some-name-value", name: "value" },
  ],
  [
    "skips the rule when the target label expands to nothing",
    [
      {
        source_labels: ["a"],
        regex: "some-([^-]+)-([^,]+)",
        target_label: "${3}",
        replacement: "${1}",
      },
    ],
    { a: "some-name-0" },
    { a: "some-name-0" },
  ],
  [
    "allows UTF-8 target labels, as Prometheus 3 does",
    [
      {
        source_labels: ["a"],
        regex: "line1.*line2",
        target_label: "utf-8.label${1}",
        replacement: "match${1}",
      },
    ],
    { a: "line1\nline2" },
    { a: "line1\nline2", "utf-8.label": "match" },
  ],
  [
    "extracts fields from a tag list",
    [
      {
        source_labels: ["__meta_sd_tags"],
        regex: "(?:.+,|^)path:(/[^,]+).*",
        target_label: "__metrics_path__",
        replacement: "${1}",
      },
      {
        source_labels: ["__meta_sd_tags"],
        regex: "(?:.+,|^)label:([^=]+)=([^,]+).*",
        target_label: "${1}",
        replacement: "${2}",
      },
    ],
    { __meta_sd_tags: "path:/secret,job:some-job,label:foo=bar" },
    {
      __meta_sd_tags: "path:/secret,job:some-job,label:foo=bar",
      __metrics_path__: "/secret",
      foo: "bar",
    },
  ],
];

const keepDrop: Case[] = [
  [
    "keep keeps a set whose value matches",
    [{ source_labels: ["a"], regex: "f.*", action: "keep" }],
    abc,
    abc,
  ],
  [
    "keep drops a set whose value does not match",
    [{ source_labels: ["a"], regex: "no-match", action: "keep" }],
    abc,
    "dropped",
  ],
  [
    "keep drops a set without the source label when the regex needs a value",
    [{ source_labels: ["missing"], regex: ".+", action: "keep" }],
    abc,
    "dropped",
  ],
  [
    "drop drops a set whose value matches",
    [{ source_labels: ["a"], regex: ".*o.*", action: "drop" }],
    abc,
    "dropped",
  ],
  [
    "drop keeps a set whose value matches only in part",
    [{ source_labels: ["a"], regex: "f|o", action: "drop" }],
    abc,
    abc,
  ],
  [
    "drop with an empty regex drops a set without the source label",
    [{ source_labels: ["missing"], regex: "", action: "drop" }],
    abc,
    "dropped",
  ],
  [
    "drop matches the joined values of several labels",
    [
      {
        source_labels: ["__name__", "mountpoint"],
        regex: "node_filesystem_.*;/run/.*",
        action: "drop",
      },
    ],
    { __name__: "node_filesystem_avail_bytes", mountpoint: "/run/user" },
    "dropped",
  ],
  [
    "drop honours (?i)",
    [{ source_labels: ["a"], regex: "(?i)FOO", action: "drop" }],
    abc,
    "dropped",
  ],
];

const ports = { __tmp_port: "1234", __port1: "1234", __port2: "5678" };
const equal: Case[] = [
  [
    "keepequal keeps a set whose target equals the source",
    [{ source_labels: ["__tmp_port"], target_label: "__port1", action: "keepequal" }],
    ports,
    ports,
  ],
  [
    "keepequal drops a set whose target differs",
    [{ source_labels: ["__tmp_port"], target_label: "__port2", action: "keepequal" }],
    ports,
    "dropped",
  ],
  [
    "dropequal drops a set whose target equals the source",
    [{ source_labels: ["__tmp_port"], target_label: "__port1", action: "dropequal" }],
    ports,
    "dropped",
  ],
  [
    "dropequal keeps a set whose target differs",
    [{ source_labels: ["__tmp_port"], target_label: "__port2", action: "dropequal" }],
    ports,
    ports,
  ],
  [
    "keepequal treats two missing labels as equal",
    [{ source_labels: ["x"], target_label: "y", action: "keepequal" }],
    ports,
    ports,
  ],
  [
    "dropequal compares the joined source values",
    [{ source_labels: ["__port1", "__port2"], target_label: "t", action: "dropequal" }],
    { ...ports, t: "1234;5678" },
    "dropped",
  ],
];

const hashmod: Case[] = [
  // Expected values from Prometheus's own relabel tests.
  [
    "hashes a value the way Prometheus does",
    [{ source_labels: ["c"], target_label: "d", action: "hashmod", modulus: 1000 }],
    abc,
    { ...abc, d: "976" },
  ],
  [
    "hashes a value with a newline",
    [{ source_labels: ["a"], target_label: "b", action: "hashmod", modulus: 1000 }],
    { a: "foo\nbar" },
    { a: "foo\nbar", b: "734" },
  ],
  // Expected values computed independently below.
  [
    "hashes the joined source values",
    [{ source_labels: ["a", "b"], target_label: "s", action: "hashmod", modulus: 7 }],
    abc,
    { ...abc, s: expectedHashMod("foo;bar", 7) },
  ],
  [
    "hashes a missing label as the empty string",
    [{ source_labels: ["missing"], target_label: "s", action: "hashmod", modulus: 1000003 }],
    abc,
    { ...abc, s: expectedHashMod("", 1000003) },
  ],
  [
    "hashes with a modulus beyond 32 bits",
    [{ source_labels: ["a"], target_label: "s", action: "hashmod", modulus: 2 ** 40 + 15 }],
    abc,
    { ...abc, s: expectedHashMod("foo", 2 ** 40 + 15) },
  ],
  [
    "hashes non-ASCII values as UTF-8",
    [{ source_labels: ["a"], target_label: "s", action: "hashmod", modulus: 1000 }],
    { a: "héllo☺" },
    { a: "héllo☺", s: expectedHashMod("héllo☺", 1000) },
  ],
];

const meta = { a: "foo", __meta_my_bar: "aaa", __meta_my_baz: "bbb", __meta_other: "ccc" };
const labelmap: Case[] = [
  [
    "copies __meta_ labels under the captured name",
    [{ action: "labelmap", regex: "__meta_(my.*)", replacement: "${1}" }],
    meta,
    { ...meta, my_bar: "aaa", my_baz: "bbb" },
  ],
  [
    "uses $1 as the default replacement",
    [{ action: "labelmap", regex: "__meta_kubernetes_pod_label_(.+)" }],
    { __meta_kubernetes_pod_label_app: "web" },
    { __meta_kubernetes_pod_label_app: "web", app: "web" },
  ],
  [
    "prefixes mapped names",
    [{ action: "labelmap", regex: "(b.*)", replacement: "bar_${1}" }],
    { a: "foo", b1: "bar", b2: "baz" },
    { a: "foo", b1: "bar", b2: "baz", bar_b1: "bar", bar_b2: "baz" },
  ],
  [
    "overwrites an existing label",
    [{ action: "labelmap", regex: "__meta_(a)" }],
    { a: "old", __meta_a: "new" },
    { a: "new", __meta_a: "new" },
  ],
  [
    "lets the last label in name order win a collision",
    [{ action: "labelmap", regex: "__meta_[ab]_(x)" }],
    { __meta_b_x: "2", __meta_a_x: "1" },
    { __meta_a_x: "1", __meta_b_x: "2", x: "2" },
  ],
  [
    "visits labels written by earlier rules after the original ones",
    [
      { target_label: "__meta_a_x", replacement: "3" },
      { action: "labelmap", regex: "__meta_[ab]_(x)" },
    ],
    { __meta_b_x: "2", __meta_a_x: "1" },
    { __meta_a_x: "3", __meta_b_x: "2", x: "3" },
  ],
  [
    "skips a mapping that yields an empty name",
    [{ action: "labelmap", regex: "__meta_(.*)" }],
    { __meta_: "v" },
    { __meta_: "v" },
  ],
];

const labelDropKeep: Case[] = [
  [
    "labeldrop removes the labels whose names match",
    [{ action: "labeldrop", regex: "(b.*)" }],
    { a: "foo", b1: "bar", b2: "baz" },
    { a: "foo" },
  ],
  [
    "labeldrop matches whole names only",
    [{ action: "labeldrop", regex: "b" }],
    { b: "1", b1: "2" },
    { b1: "2" },
  ],
  [
    "labeldrop removes temporary labels",
    [{ action: "labeldrop", regex: "__tmp_.*" }],
    { __tmp_shard: "1", job: "node" },
    { job: "node" },
  ],
  [
    "labelkeep keeps only the labels whose names match",
    [{ action: "labelkeep", regex: "(b.*)" }],
    { a: "foo", b1: "bar", b2: "baz" },
    { b1: "bar", b2: "baz" },
  ],
  [
    "labelkeep with an alternation keeps each alternative",
    [{ action: "labelkeep", regex: "__name__|job" }],
    { __name__: "up", job: "node", instance: "x" },
    { __name__: "up", job: "node" },
  ],
];

const caseChange: Case[] = [
  [
    "lowercase and uppercase write the converted value",
    [
      { source_labels: ["foo"], target_label: "foo_uppercase", action: "uppercase" },
      { source_labels: ["foo"], target_label: "foo_lowercase", action: "lowercase" },
    ],
    { foo: "bAr123Foo" },
    { foo: "bAr123Foo", foo_lowercase: "bar123foo", foo_uppercase: "BAR123FOO" },
  ],
  [
    "uppercase keeps ß, as Go's simple case mapping does",
    [{ source_labels: ["a"], target_label: "a", action: "uppercase" }],
    { a: "Straße" },
    { a: "STRAßE" },
  ],
  [
    "uppercase uses the simple mapping where Go has one",
    [{ source_labels: ["a"], target_label: "a", action: "uppercase" }],
    { a: "ᾳﬁ" },
    { a: "ᾼﬁ" },
  ],
  [
    "lowercase has no final-sigma rule, as in Go",
    [{ source_labels: ["a"], target_label: "a", action: "lowercase" }],
    { a: "ΟΔΟΣ" },
    { a: "οδοσ" },
  ],
  [
    "lowercase maps İ to a plain i, as in Go",
    [{ source_labels: ["a"], target_label: "a", action: "lowercase" }],
    { a: "İSTANBUL" },
    { a: "istanbul" },
  ],
  [
    "lowercase of a missing label deletes the target",
    [{ source_labels: ["missing"], target_label: "a", action: "lowercase" }],
    { a: "x", b: "y" },
    { b: "y" },
  ],
];

const chains: Case[] = [
  [
    "stops at the first rule that drops the set",
    [
      { source_labels: ["a"], regex: ".*o.*", action: "drop" },
      { source_labels: ["a"], regex: "f(.*)", target_label: "d", replacement: "ch$1" },
    ],
    { a: "foo" },
    "dropped",
  ],
  [
    "lets later rules see what earlier ones wrote",
    [
      {
        source_labels: ["__address__"],
        target_label: "__tmp_shard",
        action: "hashmod",
        modulus: 4,
      },
      {
        source_labels: ["__tmp_shard"],
        regex: expectedHashMod("10.0.0.1:9100", 4),
        action: "keep",
      },
      { regex: "__tmp_.*", action: "labeldrop" },
    ],
    { __address__: "10.0.0.1:9100" },
    { __address__: "10.0.0.1:9100" },
  ],
  [
    "re-adds a label that an earlier rule dropped",
    [
      { regex: "__meta_kubernetes_pod_container_port_name", action: "labeldrop" },
      {
        source_labels: ["__meta_kubernetes_pod_annotation_XXX_metrics_port"],
        regex: "(.+)",
        target_label: "__meta_kubernetes_pod_container_port_name",
        replacement: "metrics",
      },
      {
        source_labels: ["__meta_kubernetes_pod_container_port_name"],
        regex: "^metrics$",
        action: "keep",
      },
    ],
    {
      __meta_kubernetes_pod_container_port_name: "foo",
      __meta_kubernetes_pod_annotation_XXX_metrics_port: "9091",
    },
    {
      __meta_kubernetes_pod_annotation_XXX_metrics_port: "9091",
      __meta_kubernetes_pod_container_port_name: "metrics",
    },
  ],
  [
    "runs a blackbox-style target rewrite",
    [
      { source_labels: ["__address__"], target_label: "__param_target" },
      { source_labels: ["__param_target"], target_label: "instance" },
      { target_label: "__address__", replacement: "127.0.0.1:9115" },
    ],
    { __address__: "https://example.com" },
    {
      __address__: "127.0.0.1:9115",
      __param_target: "https://example.com",
      instance: "https://example.com",
    },
  ],
  [
    "treats labels with empty values as absent",
    [{ source_labels: ["a"], regex: "", action: "keep" }],
    { a: "", b: "1" },
    { b: "1" },
  ],
  ["keeps the set unchanged without rules", [], abc, abc],
];

describe("applyRelabel()", () => {
  const groups: [string, Case[]][] = [
    ["replace", replace],
    ["keep and drop", keepDrop],
    ["keepequal and dropequal", equal],
    ["hashmod", hashmod],
    ["labelmap", labelmap],
    ["labeldrop and labelkeep", labelDropKeep],
    ["lowercase and uppercase", caseChange],
    ["rule chains", chains],
  ];
  for (const [group, cases] of groups) {
    describe(group, () => {
      test.each(cases)("%s", (_, rules, input, output) => {
        expect(relabel(rules, input)).toEqual(output);
      });
    });
  }

  test("edits the caller's map in place", () => {
    const labels = new Map([["a", "foo"]]);
    const program = compileRelabel([
      relabelConfigSchema.parse({ source_labels: ["a"], target_label: "b" }),
    ]);
    expect(applyRelabel(program, labels)).toBe(true);
    expect(labels.get("b")).toBe("foo");
  });

  test("can apply one compiled program to many label sets", () => {
    const program = compileRelabel([
      relabelConfigSchema.parse({ source_labels: ["a"], regex: "x(.)", target_label: "b" }),
    ]);
    const results = ["x1", "y2", "x3"].map((a) => {
      const labels = new Map([["a", a]]);
      applyRelabel(program, labels);
      return labels.get("b");
    });
    expect(results).toEqual(["1", undefined, "3"]);
  });
});

describe("applyRelabel() on catastrophic patterns", () => {
  test.each(PATHOLOGICAL.map((c) => [c.pattern, c.text.length, c] as const))(
    "runs %j on %d characters in linear time with RE2's answer",
    (pattern, _, { text, anchored }) => {
      const began = performance.now();
      const kept = relabel([{ source_labels: ["v"], regex: pattern, action: "keep" }], { v: text });
      const replaced = relabel(
        [{ source_labels: ["v"], regex: pattern, target_label: "y", replacement: "matched" }],
        { v: text },
      );
      expect(performance.now() - began).toBeLessThan(PATHOLOGICAL_BUDGET_MS);
      expect(kept !== "dropped").toBe(anchored);
      expect(replaced === "dropped" ? "dropped" : (replaced.y ?? "absent")).toBe(
        anchored ? "matched" : "absent",
      );
    },
  );
});

describe("compileRelabel()", () => {
  test("rejects a rule whose regex does not compile", () => {
    const rule = { ...relabelConfigSchema.parse({ target_label: "a" }), regex: "(" };
    expect(() => compileRelabel([rule])).toThrow('Cannot compile relabel regex "("');
  });
});
