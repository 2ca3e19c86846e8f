import { describe, expect, test } from "bun:test";
import { formatSeries, labelValue } from "../model/labels.ts";
import { SeriesCache } from "./cache.ts";
import {
  detectFormat,
  type ExpositionFormat,
  type NewSeriesMode,
  parseExposition,
} from "./parse.ts";
import { collect } from "./testing.ts";

const FIXTURES = new URL("../../test/fixtures/", import.meta.url);
const fixture = async (name: string) =>
  new Uint8Array(await Bun.file(new URL(name, FIXTURES)).arrayBuffer());

describe("parseExposition() on real exporter output", () => {
  test("reads all 507 node_exporter samples with their values and labels", async () => {
    const got = collect(await fixture("node_exporter_sample.txt"));
    expect(got.stats).toEqual({ samples: 507, duplicates: 0, misses: 507, exemplars: 0 });
    const value = (series: string) => got.samples.find((s) => s[0] === series)?.[1];
    expect(value("go_goroutines")).toBe(7);
    expect(value("go_memstats_alloc_bytes")).toBe(1727416);
    expect(value("go_memstats_sys_bytes")).toBe(14660872);
    expect(value('node_cpu_seconds_total{cpu="0", mode="idle"}')).toBe(1389.91);
    expect(
      value('node_filesystem_size_bytes{device="/dev/vda", fstype="ext4", mountpoint="/"}'),
    ).toBe(270553174016);
    // Prometheus 3 rewrites summary quantiles in OpenMetrics float form.
    expect(value('go_gc_duration_seconds{quantile="0.0"}')).toBe(0);
    expect(value('go_gc_duration_seconds{quantile="0.25"}')).toBe(0);
    expect(got.samples.every((s) => Number.isNaN(s[2]))).toBe(true);
  });

  test("drops empty label values from node_exporter series", async () => {
    const got = collect(await fixture("node_exporter_sample.txt"));
    const lo = got.entries.find(
      (e) => labelValue(e.labels, "device") === "lo" && e.labels.includes("node_network_info"),
    );
    expect(lo?.labels).toEqual([
      "__name__",
      "node_network_info",
      "address",
      "00:00:00:00:00:00",
      "broadcast",
      "00:00:00:00:00:00",
      "device",
      "lo",
      "operstate",
      "unknown",
    ]);
  });

  test("reports node_exporter metadata with untyped spelled as unknown", async () => {
    const got = collect(await fixture("node_exporter_sample.txt"));
    expect(got.metadata).toHaveLength(566);
    expect(got.metadata).toContainEqual(["go_goroutines", "type", "gauge"]);
    expect(got.metadata).toContainEqual([
      "go_goroutines",
      "help",
      "Number of goroutines that currently exist.",
    ]);
  });

  test("reads the blackbox_exporter probe", async () => {
    const got = collect(await fixture("blackbox_sample.txt"));
    expect(got.stats.samples).toBe(17);
    expect(got.samples).toContainEqual(["probe_success", 1, Number.NaN]);
    expect(got.samples).toContainEqual(["probe_http_version", 1.1, Number.NaN]);
    expect(got.samples).toContainEqual(["probe_dns_lookup_time_seconds", 1.3039e-5, Number.NaN]);
    expect(got.samples).toContainEqual([
      'probe_http_duration_seconds{phase="connect"}',
      0.000246821,
      Number.NaN,
    ]);
  });
});

type Sample = [string, number, number];
const NaN_ = Number.NaN;

const textCases: [string, string, Sample[]][] = [
  ["plain sample", "m 1\n", [["m", 1, NaN_]]],
  ["no final newline", "m 1", [["m", 1, NaN_]]],
  ["integer ms timestamp", "m 1 1700000000123\n", [["m", 1, 1700000000123]]],
  ["escapes in label values", 'm{a="x\\\\y\\"z\\nw"} 1', [['m{a="x\\\\y\\"z\\nw"}', 1, NaN_]]],
  ["unknown escapes kept as written", 'm{a="\\t"} 1', [['m{a="\\\\t"}', 1, NaN_]]],
  [
    "raw newline inside a label value",
    'm{a="x\ny"} 1\nn 2',
    [
      ['m{a="x\\ny"}', 1, NaN_],
      ["n", 2, NaN_],
    ],
  ],
  ["trailing comma", 'm{a="1",} 1', [['m{a="1"}', 1, NaN_]]],
  ["empty braces", "m{} 1", [["m", 1, NaN_]]],
  ["empty label value dropped", 'm{a="",b="2"} 1', [['m{b="2"}', 1, NaN_]]],
  ["labels sorted", 'm{z="1",a="2"} 1', [['m{a="2", z="1"}', 1, NaN_]]],
  ["labels sorted by UTF-8 bytes", 'm{"😀"="1","～"="2"} 1', [['m{～="2", 😀="1"}', 1, NaN_]]],
  ["pairs without comma", 'm{a="1" b="2"} 1', [['m{a="1", b="2"}', 1, NaN_]]],
  ["blanks everywhere", ' \tm \t{ a = "1" , b="2" } \t1 \t5 \t\n', [['m{a="1", b="2"}', 1, 5]]],
  ["value right after the brace", 'm{a="1"}1', [['m{a="1"}', 1, NaN_]]],
  ["tabs as separators", "m\t1\t2", [["m", 1, 2]]],
  [
    "CRLF line ends",
    "# TYPE m gauge\r\nm 1\r\nn 2 3\r\n",
    [
      ["m", 1, NaN_],
      ["n", 2, 3],
    ],
  ],
  ["blank lines and comments", "\n# hi\n#x\n  \n# HELPER x\nm 1\n\n", [["m", 1, NaN_]]],
  ["quoted UTF-8 metric name", '{"my.metric","a.b"="c"} 1', [['my.metric{a.b="c"}', 1, NaN_]]],
  ["quoted name alone", '{"my.metric"} 1', [["my.metric", 1, NaN_]]],
  ["quoted name after labels", '{a="1","ü"} 1', [['ü{a="1"}', 1, NaN_]]],
  ["colons in metric names", "a:b:c 1", [["a:b:c", 1, NaN_]]],
  [
    "NaN and infinities",
    "a NaN\nb nan\nc +Inf\nd -Inf\ne Inf\nf -infinity",
    [
      ["a", NaN_, NaN_],
      ["b", NaN_, NaN_],
      ["c", Infinity, NaN_],
      ["d", -Infinity, NaN_],
      ["e", Infinity, NaN_],
      ["f", -Infinity, NaN_],
    ],
  ],
  [
    "number syntaxes",
    "a 1e3\nb .5\nc +5\nd 5.\ne -1.5E-3\nf 007",
    [
      ["a", 1000, NaN_],
      ["b", 0.5, NaN_],
      ["c", 5, NaN_],
      ["d", 5, NaN_],
      ["e", -0.0015, NaN_],
      ["f", 7, NaN_],
    ],
  ],
  [
    "histogram le normalised",
    '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_bucket{le="0.5"} 3\nh_bucket{le="1e6"} 4',
    [
      ['h_bucket{le="1.0"}', 1, NaN_],
      ['h_bucket{le="+Inf"}', 2, NaN_],
      ['h_bucket{le="0.5"}', 3, NaN_],
      ['h_bucket{le="1e+06"}', 4, NaN_],
    ],
  ],
  ["le left alone outside a histogram", 'h_bucket{le="1"} 1', [['h_bucket{le="1"}', 1, NaN_]]],
  [
    "summary quantile normalised",
    '# TYPE s summary\ns{quantile="0"} 1\ns{quantile="x"} 2',
    [
      ['s{quantile="0.0"}', 1, NaN_],
      ['s{quantile="x"}', 2, NaN_],
    ],
  ],
];

const omCases: [string, string, Sample[]][] = [
  ["EOF with newline", "m 1\n# EOF\n", [["m", 1, NaN_]]],
  ["EOF without newline", "m 1\n# EOF", [["m", 1, NaN_]]],
  [
    "float seconds timestamps truncated to ms",
    "a 1 1.5\nb 1 1700000000\nc 1 1.0019\nd 1 -1.5\n# EOF",
    [
      ["a", 1, 1500],
      ["b", 1, 1700000000000],
      ["c", 1, 1001],
      ["d", 1, -1500],
    ],
  ],
  [
    "exemplar after the value",
    'm_bucket{le="1"} 2 # {trace_id="abc"} 0.5 1.5\n# EOF',
    [['m_bucket{le="1"}', 2, NaN_]],
  ],
  ["exemplar after a timestamp", 'm 2 10 # {a="b",c="d"} 1\n# EOF', [["m", 2, 10000]]],
  ["empty exemplar labels", "m 2 # {} 1\n# EOF", [["m", 2, NaN_]]],
  ["trailing comma", 'm{a="1",} 1\n# EOF', [['m{a="1"}', 1, NaN_]]],
  ["quoted names", '{"my.metric","a.b"="c"} 1\n# EOF', [['my.metric{a.b="c"}', 1, NaN_]]],
];

describe("parseExposition() reads valid text-format lines", () => {
  test.each(textCases)("%s", (_, input, want) => {
    expect(collect(input).samples).toEqual(want);
  });
});

describe("parseExposition() reads valid OpenMetrics lines", () => {
  test.each(omCases)("%s", (_, input, want) => {
    expect(collect(input, "openmetrics").samples).toEqual(want);
  });
});

describe("parseExposition() reports metadata", () => {
  const cases: [string, ExpositionFormat, string, [string, string, string][]][] = [
    [
      "text HELP unescapes only \\\\ and \\n",
      "text",
      '# HELP m a\\\\b\\nc \\"q\\"\n',
      [["m", "help", 'a\\b\nc \\"q\\"']],
    ],
    ["text TYPE untyped becomes unknown", "text", "# TYPE m untyped\n", [["m", "type", "unknown"]]],
    ["text HELP without text", "text", "# HELP m\n", [["m", "help", ""]]],
    ["text metadata with tabs", "text", "#\tTYPE\tm\tcounter\n", [["m", "type", "counter"]]],
    ["quoted metric name", "text", '# TYPE "my.metric" gauge\n', [["my.metric", "type", "gauge"]]],
    [
      "OpenMetrics HELP unescapes quotes",
      "openmetrics",
      '# HELP m a \\"q\\"\n# EOF\n',
      [["m", "help", 'a "q"']],
    ],
    [
      "OpenMetrics UNIT",
      "openmetrics",
      "# UNIT m_seconds seconds\n# EOF",
      [["m_seconds", "unit", "seconds"]],
    ],
    [
      "OpenMetrics info and stateset",
      "openmetrics",
      "# TYPE a info\n# TYPE b stateset\n# TYPE c gaugehistogram\n# EOF",
      [
        ["a", "type", "info"],
        ["b", "type", "stateset"],
        ["c", "type", "gaugehistogram"],
      ],
    ],
  ];
  test.each(cases)("%s", (_, format, input, want) => {
    expect(collect(input, format).metadata).toEqual(want);
  });
});

describe("parseExposition() and duplicates", () => {
  test("keeps the first sample of a series repeated without timestamps", () => {
    const got = collect("m 1\nm 2\n");
    expect(got.samples).toEqual([["m", 1, NaN_]]);
    expect(got.stats.duplicates).toBe(1);
  });

  test("counts a repeat spelled differently as a duplicate", () => {
    const got = collect('m{a="1",b="2"} 1\nm{b="2",a="1"} 2\nm{a="1",b="2",c=""} 3\n');
    expect(got.samples).toEqual([['m{a="1", b="2"}', 1, NaN_]]);
    expect(got.stats.duplicates).toBe(2);
  });

  test("keeps samples of one series at different timestamps", () => {
    const got = collect("m 1 100\nm 2 200\nm 3 200\n");
    expect(got.samples).toEqual([
      ["m", 1, 100],
      ["m", 2, 200],
    ]);
    expect(got.stats.duplicates).toBe(1);
  });
});

describe("parseExposition() for a handler that keeps no new series", () => {
  const body = new TextEncoder().encode('known 1\nnew{a="1"} 2\nnew{a="1"} 3\n');
  const run = (mode: NewSeriesMode) => {
    const cache = new SeriesCache();
    collect("known 0\n", "text", cache);
    const got: [string, number][] = [];
    cache.beginScrape();
    parseExposition(body, "text", cache, {
      newSeriesMode: mode,
      sample: (entry, value) => got.push([formatSeries(entry.labels), value]),
    });
    return { got, size: cache.size };
  };

  test("parse: hands new series over with their labels, every sample, and stores none", () => {
    expect(run("parse")).toEqual({
      got: [
        ["known", 1],
        ['new{a="1"}', 2],
        ['new{a="1"}', 3],
      ],
      size: 1,
    });
  });

  test("skip: hands new series over unparsed, and stores none", () => {
    const { got, size } = run("skip");
    expect(got).toEqual([
      ["known", 1],
      ["{}", 2],
      ["{}", 3],
    ]);
    expect(size).toBe(1);
  });

  test("skip still fails on a line it cannot read", () => {
    const cache = new SeriesCache();
    cache.beginScrape();
    const handler = { newSeriesMode: "skip" as const, sample() {} };
    expect(() =>
      parseExposition(new TextEncoder().encode("a 1\nb{ 2\n"), "text", cache, handler),
    ).toThrow(SyntaxError);
  });
});

describe("detectFormat()", () => {
  const cases: [string | null, ExpositionFormat][] = [
    ["application/openmetrics-text; version=1.0.0; charset=utf-8", "openmetrics"],
    ["Application/OpenMetrics-Text", "openmetrics"],
    ["text/plain; version=0.0.4; charset=utf-8", "text"],
    ["", "text"],
    [null, "text"],
  ];
  test.each(cases)("maps %p to %p", (contentType, want) => {
    expect(detectFormat(contentType)).toBe(want);
  });
});
