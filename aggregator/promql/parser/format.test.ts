import { describe, expect, test } from "bun:test";
import { exprToString, formatExpr } from "./format.ts";
import { parseExpr } from "./parse.ts";

/** Cases from Prometheus's prettier_test.go, which splits lines longer than 10 bytes. */
const NARROW: [string, string][] = [
  ["sum(foo)", "sum(foo)"],
  ['sum by() (task:errors:rate10s{job="s"})', 'sum(\n  task:errors:rate10s{job="s"}\n)'],
  [
    'sum without(job,foo) (task:errors:rate10s{job="s"})',
    'sum without (job, foo) (\n  task:errors:rate10s{job="s"}\n)',
  ],
  [
    'sum(task:errors:rate10s{job="s"}) without(job,foo)',
    'sum without (job, foo) (\n  task:errors:rate10s{job="s"}\n)',
  ],
  ['topk(10, ask:errors:rate10s{job="s"})', 'topk(\n  10,\n  ask:errors:rate10s{job="s"}\n)'],
  [
    'sum by(job,foo) (sum by(job,foo) (task:errors:rate10s{job="s"}))',
    'sum by (job, foo) (\n  sum by (job, foo) (\n    task:errors:rate10s{job="s"}\n  )\n)',
  ],
  [
    'sum by(job,foo) # Comment 1.\n(sum by(job,foo) ( # Comment 2.\ntask:errors:rate10s{job="s"}))',
    'sum by (job, foo) (\n  sum by (job, foo) (\n    task:errors:rate10s{job="s"}\n  )\n)',
  ],
  ["a+b", "a + b"],
  ["a == bool 1", "  a\n== bool\n  1"],
  ["a + ignoring(job) b", "  a\n+ ignoring (job)\n  b"],
  ["foo_1 + foo_2", "  foo_1\n+\n  foo_2"],
  ["foo_1 + foo_2 + foo_3", "    foo_1\n  +\n    foo_2\n+\n  foo_3"],
  ["foo + baar + foo_3", "  foo + baar\n+\n  foo_3"],
  [
    "foo_1 + ignoring(foo) foo_2 + ignoring(job) group_left foo_3 + on(instance) group_right foo_4",
    "      foo_1\n    + ignoring (foo)\n      foo_2\n  + ignoring (job) group_left ()\n    foo_3\n+ on (instance) group_right ()\n  foo_4",
  ],
  ["rate(foo[1m])", "rate(\n  foo[1m]\n)"],
  [
    "rate(long_vector_selector[10m:1m] @ start() offset 1m)",
    "rate(\n  long_vector_selector[10m:1m] @ start() offset 1m\n)",
  ],
  [
    "histogram_quantile(0.9, rate(foo[1m]))",
    "histogram_quantile(\n  0.9,\n  rate(\n    foo[1m]\n  )\n)",
  ],
  [
    "max_over_time(rate(demo_api_request_duration_seconds_count[1m])[1m:] @ start() offset 1m)",
    "max_over_time(\n  rate(\n    demo_api_request_duration_seconds_count[1m]\n  )[1m:] @ start() offset 1m\n)",
  ],
  [
    'label_replace(up{job="api-server",service="a:c"}, "foo", "$1", "service", "(.*):.*")',
    'label_replace(\n  up{job="api-server",service="a:c"},\n  "foo",\n  "$1",\n  "service",\n  "(.*):.*"\n)',
  ],
  ["(foo)", "(foo)"],
  ["(_foo_long_)", "(\n  _foo_long_\n)"],
  ["((foo_long))", "(\n  (foo_long)\n)"],
  ["(((foo_long)))", "(\n  (\n    (foo_long)\n  )\n)"],
  ["a @ 1", "a @ 1.000"],
  ["a @ start()", "a @ start()"],
  ["(1 + 2)", "(1 + 2)"],
  ["(foo + bar)", "(\n  foo + bar\n)"],
  ["(foo_long + bar_long)", "(\n    foo_long\n  +\n    bar_long\n)"],
  [
    "((foo_long + bar_long) + bar_2_long)",
    "(\n    (\n        foo_long\n      +\n        bar_long\n    )\n  +\n    bar_2_long\n)",
  ],
  ["(1111 + 2222)", "(\n    1111\n  +\n    2222\n)"],
  ["-1", "-1"],
  ["-vector_selector", "-vector_selector"],
  ["(-vector_selector)", "(\n  -vector_selector\n)"],
  [
    "-histogram_quantile(0.9,rate(foo[1m]))",
    "-histogram_quantile(\n  0.9,\n  rate(\n    foo[1m]\n  )\n)",
  ],
  [
    "-histogram_quantile(0.99, sum by (le) (rate(foo[1m])))",
    "-histogram_quantile(\n  0.99,\n  sum by (le) (\n    rate(\n      foo[1m]\n    )\n  )\n)",
  ],
  [
    "(-histogram_quantile(0.9, -rate(foo[1m] @ start())))",
    "(\n  -histogram_quantile(\n    0.9,\n    -rate(\n      foo[1m] @ start()\n    )\n  )\n)",
  ],
  [
    "(node_timex_offset_seconds > 0.05 and deriv(node_timex_offset_seconds[5m]) >= 0) or (node_timex_offset_seconds < -0.05 and deriv(node_timex_offset_seconds[5m]) <= 0)",
    "  (\n        node_timex_offset_seconds\n      >\n        0.05\n    and\n        deriv(\n          node_timex_offset_seconds[5m]\n        )\n      >=\n        0\n  )\nor\n  (\n        node_timex_offset_seconds\n      <\n        -0.05\n    and\n        deriv(\n          node_timex_offset_seconds[5m]\n        )\n      <=\n        0\n  )",
  ],
  [
    '(count by (job) (changes(process_start_time_seconds{job="alertmanager"}[10m]) > 4) / count by (job) (up{job="alertmanager"})) >= 0.5',
    '  (\n      count by (job) (\n          changes(\n            process_start_time_seconds{job="alertmanager"}[10m]\n          )\n        >\n          4\n      )\n    /\n      count by (job) (\n        up{job="alertmanager"}\n      )\n  )\n>=\n  0.5',
  ],
  [
    'min by (job, integration) (rate(alertmanager_notifications_failed_total{job="alertmanager", integration=~".*"}[5m]) / rate(alertmanager_notifications_total{job="alertmanager", integration="~.*"}[5m])) > 0.01',
    '  min by (job, integration) (\n      rate(\n        alertmanager_notifications_failed_total{integration=~".*",job="alertmanager"}[5m]\n      )\n    /\n      rate(\n        alertmanager_notifications_total{integration="~.*",job="alertmanager"}[5m]\n      )\n  )\n>\n  0.01',
  ],
];

/** Cases at the real width of 100. */
const WIDE: [string, string][] = [
  [
    'sum(rate(http_requests_total{job="api"}[5m])) by (code)',
    'sum by (code) (rate(http_requests_total{job="api"}[5m]))',
  ],
  ["  foo  [5m:]  offset 1m", "foo[5m:] offset 1m"],
];

describe("formatExpr()", () => {
  for (const [query, expected] of NARROW) {
    test(`formatExpr() at width 10 prints ${JSON.stringify(query).slice(0, 50)} as Prometheus does`, () => {
      expect(formatExpr(parseExpr(query), 10)).toBe(expected);
    });
  }
  for (const [query, expected] of WIDE) {
    test(`formatExpr() prints ${JSON.stringify(query).slice(0, 50)} as format_query does`, () => {
      expect(formatExpr(parseExpr(query))).toBe(expected);
    });
  }

  test("formatExpr() output parses back to the same expression", () => {
    for (const [query] of [...NARROW, ...WIDE]) {
      const once = formatExpr(parseExpr(query), 10);
      expect(formatExpr(parseExpr(once), 10)).toBe(once);
    }
  });
});

describe("exprToString()", () => {
  // [query, Prometheus's String() of it ("" when unchanged)]
  const cases: [string, string][] = [
    ["1", ""],
    ["+Inf", ""],
    ["-Inf", ""],
    ["NaN", ""],
    ["inf", "+Inf"],
    [".5", "0.5"],
    ["5.", "5"],
    ["5e-3", "0.005"],
    ["5e3", "5000"],
    ["0xc", "12"],
    ["0755", "493"],
    ["0x_1F", "31"],
    ["1_000", "1000"],
    ["-0755", "-493"],
    ["1e21", "1000000000000000000000"],
    ["1e-7", "0.0000001"],
    ["5m", "300"],
    ["1h30m", "5400"],
    ['"double-quoted \\" string"', '"double-quoted \\" string"'],
    ["'single \\' quoted'", `"single ' quoted"`],
    ["`raw \\n string`", '"raw \\\\n string"'],
    [
      '"\\a\\b\\f\\n\\r\\t\\v\\\\ - \\xFF\\377\\u1234\\U00010111 ☺"',
      '"\\a\\b\\f\\n\\r\\t\\v\\\\ - \\xff\\xff\u1234\u{10111} ☺"',
    ],
    ['"\\xe2\\x98\\xba"', '"☺"'],
    ["foo", ""],
    ["min", ""],
    ["start", ""],
    ["offset", ""],
    ['offset{step="1s"}[5m]', ""],
    ["foo:bar:baz", ""],
    ['foo{a="b", c!="d", e=~"f", g!~"h",}', 'foo{a="b",c!="d",e=~"f",g!~"h"}'],
    ['foo{NaN="bc"}', ""],
    ["foo{bar='}'}", 'foo{bar="}"}'],
    ['{__name__="a"}', ""],
    ['{"foo"}', '{__name__="foo"}'],
    ['{"my.metric", "a.b"="c"}', '{"a.b"="c",__name__="my.metric"}'],
    ['{__name__=~"bar", __name__!~"baz"}', '{__name__!~"baz",__name__=~"bar"}'],
    // Matchers sort as Go strings, by UTF-8 bytes: 😀 after ～.
    ['x{a="😀", a="～"}', 'x{a="～",a="😀"}'],
    [
      'sum by ("foo bar", job)({"some.metric"})',
      'sum by ("foo bar", job) ({__name__="some.metric"})',
    ],
    ["foo offset 5m", ""],
    ["foo offset -7m", ""],
    ["foo OFFSET 1h30m", "foo offset 1h30m"],
    ["foo offset 1m30ms", ""],
    ["foo offset 90", "foo offset 1m30s"],
    ["foo @ 1603774568", "foo @ 1603774568.000"],
    ["foo @ -100", "foo @ -100.000"],
    ["foo @ .3", "foo @ 0.300"],
    ["foo @ 3.3335", "foo @ 3.334"],
    ["foo @ 0xA", "foo @ 10.000"],
    ["foo @ 1m", "foo @ 60.000"],
    ["foo @ start()", ""],
    ["foo @ end() offset 1m", ""],
    ["foo offset 1m @ 5", "foo @ 5.000 offset 1m"],
    ["test[1000ms]", "test[1s]"],
    ["test[1001ms]", "test[1s1ms]"],
    ["test[5]", "test[5s]"],
    ["test[4.18]", "test[4s180ms]"],
    ["test[5d] OFFSET 10s", "test[5d] offset 10s"],
    ["test[5w] offset 2w", ""],
    ['test{a="b"}[5y] offset 3d', ""],
    ["test[90d]", ""],
    ["test[14d]", "test[2w]"],
    ["test[365d]", "test[1y]"],
    ["test[5m] @ 2.345", "test[5m] @ 2.345"],
    ["foo[10m:6s]", ""],
    ["foo[10m5s:1h6ms]", ""],
    ["foo[10m:]", ""],
    ["foo[ 10m : 1m ]", "foo[10m:1m]"],
    ["some_metric OFFSET 1m [10m:5s]", "some_metric offset 1m[10m:5s]"],
    ["foo[10m:6s] @ start() offset 1m", ""],
    ["min_over_time(rate(foo[2s])[5m:] offset 4m)[4m:3s]", ""],
    ["sum by (foo)(some_metric)", "sum by (foo) (some_metric)"],
    ["sum (some_metric) without (foo)", "sum without (foo) (some_metric)"],
    ["sum by ()(some_metric)", "sum(some_metric)"],
    ["sum without ()(some_metric)", "sum without () (some_metric)"],
    ["sum by (foo,)(x)", "sum by (foo) (x)"],
    [
      "sum without(and, by, avg, count, alert, annotations)(m)",
      "sum without (and, by, avg, count, alert, annotations) (m)",
    ],
    ["sum by (a:b)(x)", 'sum by ("a:b") (x)'],
    ["topk(5, some_metric)", ""],
    ['count_values("value", some_metric)', ""],
    ["quantile(0.9, x)", ""],
    ["limitk(2, x)", ""],
    ["limit_ratio(0.5, x)", ""],
    ["sum(sum)", ""],
    ["a + sum", ""],
    ["foo == bool 1", ""],
    ["a - on() c", "a - on () c"],
    ["a - on(b) group_left c", "a - on (b) group_left () c"],
    ["a - on(b) group_left() (c)", "a - on (b) group_left () (c)"],
    ["a - ignoring() c", "a - c"],
    ["a - ignoring(b) group_right(x) c", "a - ignoring (b) group_right (x) c"],
    ["foo and on() bar", "foo and on () bar"],
    ["foo unless ignoring(a, b) bar", "foo unless ignoring (a, b) bar"],
    ["1 + foo", ""],
    ["time()", ""],
    ["start()", ""],
    ["step() * 2", ""],
    ["round(x, 5)", ""],
    ["label_join(x, 'a', ',', 'b', 'c')", 'label_join(x, "a", ",", "b", "c")'],
    ["histogram_quantiles(x, 'q', 0.5, 0.9)", 'histogram_quantiles(x, "q", 0.5, 0.9)'],
    ["min_of(3, 5)", ""],
    ['info(x, {k8s="a"})', ""],
    ['info(x, {k8s=""})', ""],
    ["(sum(foo))", ""],
  ];
  for (const [query, expected] of cases) {
    test(`exprToString() prints ${JSON.stringify(query)} as Prometheus's String() does`, () => {
      expect(exprToString(parseExpr(query))).toBe(expected === "" ? query : expected);
    });
  }
});
