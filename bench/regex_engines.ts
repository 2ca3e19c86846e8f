/**
 * The RE2 libraries on npm that were candidates for running users' regexes, side by side with
 * JavaScriptCore's own engine: match cost on label values, search throughput on log lines,
 * compile cost, and a catastrophic pattern. A library that is not installed, or does not load
 * in this runtime, is reported on stderr and skipped; Outpost depends on re2js only, so
 * measuring the others means installing them beside a copy of this script (docs/regex.md).
 *
 *   bun bench/regex_engines.ts [--quick]
 *   bun build --target=node bench/regex_engines.ts --outfile /tmp/e.mjs && node /tmp/e.mjs
 */

import { createRequire } from "node:module";
import { nsPerCall } from "./lib/per_call.ts";

const quick = process.argv.includes("--quick");
const WINDOW_MS = quick ? 300 : 1000;

/** Median CPU ns per call of `fn` over `inputs` (bench/lib/per_call.ts). */
const perCall = (fn: (input: string) => unknown, inputs: readonly string[]) =>
  nsPerCall(fn, inputs, WINDOW_MS);
const require = createRequire(import.meta.url);

/** A compiled pattern as each library gives it. */
interface Compiled {
  test(text: string): boolean;
  exec(text: string): unknown;
  /** Frees what the library does not collect by itself. */
  free?(): void;
}

/** One library: compiles a pattern for a search (a whole-text match has `^…$` written in). */
type Compile = (pattern: string) => Compiled;

// The same patterns in JavaScript syntax, for JavaScriptCore (the `(?P<…>` form, `(?i)` and
// `(?s)` spelled its way).
const JS_PATTERNS: Record<string, string> = {};

const loaders: [name: string, load: () => Promise<Compile>][] = [
  ["jsc", async () => (pattern) => new RegExp(JS_PATTERNS[pattern] ?? pattern, "u")],
  [
    "re2js",
    async () => {
      const { RE2JS } = await import("re2js");
      // Groups as shared/regex takes them: through the port of Go's FindStringSubmatchIndex.
      return (pattern) => {
        const re = RE2JS.compile(pattern);
        const go = re.re2() as unknown as { findSubmatchIndex(t: string): number[] | null };
        return { test: (t) => re.test(t), exec: (t) => go.findSubmatchIndex(t) };
      };
    },
  ],
  [
    "re2_wasm",
    // The embind class under re2-wasm's RegExp-like wrapper, which would rewrite the pattern.
    async () => {
      const { WrappedRE2 } = require("re2-wasm/build/wasm/re2.js");
      return (pattern) => {
        const re = new WrappedRE2(pattern, false, false, false);
        if (!re.ok()) throw new SyntaxError(re.error());
        // Its heap is a fixed 16 MiB: about 6,000 patterns never deleted abort the process.
        return {
          test: (t) => re.match(t, 0, false).index >= 0,
          exec: (t) => re.match(t, 0, true),
          free: () => re.delete(),
        };
      };
    },
  ],
  [
    "re2_native",
    async () => {
      const RE2 = require("re2");
      return (pattern) => new RE2(pattern, "u");
    },
  ],
];

const names: string[] = [];
const addresses: string[] = [];
for (let i = 0; i < 500; i++) {
  names.push(`node_cpu_${i}_seconds_total`, `go_gc_duration_${i}_seconds`, `process_${i}_fds`);
  addresses.push(`10.0.${i % 256}.${i % 7}:${9100 + (i % 3)}`);
}
const lines: string[] = [];
for (let i = 0; i < 2000; i++) {
  lines.push(
    `ts=2026-11-22T19:2${i % 10}:00.123Z level=${i % 10 === 0 ? "error" : "info"} ` +
      `caller=scrape.go:${i} msg="append failed" target=http://10.0.${i % 256}.7:9100/metrics ` +
      `user_id=u${i} status=${i % 13 === 0 ? 503 : 200} duration=${i}ms`,
  );
}
const lineBytes = lines.reduce((n, l) => n + l.length, 0) / lines.length;

/** [figure, pattern, JavaScript spelling, how it is run, inputs] */
const cases: [string, string, string, "test" | "exec", string[]][] = [
  [
    "match_alternation",
    "^(?s:node_(cpu|memory)_.*)$",
    "^(?:node_(cpu|memory)_[^]*)$",
    "test",
    names,
  ],
  ["match_class", "^(?s:[a-z_0-9]+_total)$", "^(?:[a-z_0-9]+_total)$", "test", names],
  ["exec_host_port", "^(?s:(.*):(\\d+))$", "^(?:([^]*):(\\d+))$", "exec", addresses],
  [
    "exec_named",
    "^(?s:(?P<host>[^:]+):(?P<port>\\d+))$",
    "^(?:(?<host>[^:]+):(?<port>\\d+))$",
    "exec",
    addresses,
  ],
  ["search_alternation", "error|timeout", "error|timeout", "test", lines],
  ["search_digits", "status=5\\d\\d", "status=5\\d\\d", "test", lines],
  [
    "search_case_insensitive",
    "(?i)APPEND FAILED.*USER_ID",
    "(?i:APPEND FAILED.*USER_ID)",
    "test",
    lines,
  ],
];
for (const [, pattern, js] of cases) JS_PATTERNS[pattern] = js;
JS_PATTERNS["^(?s:(a+)+x|a+b)$"] = "^(?:(a+)+x|a+b)$";

for (const [name, load] of loaders) {
  let compile: Compile;
  try {
    compile = await load();
    compile("a").test("a");
  } catch (error) {
    console.error(`Cannot measure ${name}: ${error}`);
    continue;
  }
  for (const [figure, pattern, , how, inputs] of cases) {
    measure(name, figure, () => {
      const re = compile(pattern);
      const ns = perCall(how === "test" ? (t) => re.test(t) : (t) => re.exec(t), inputs);
      return inputs === lines
        ? `${((lineBytes / ns) * 1000).toFixed(0)} MB/s`
        : `${ns.toFixed(0)} ns/op`;
    });
  }
  let next = 0;
  measure(name, "compile", () => {
    const ns = perCall(() => compile(`job_${next++}_(cpu|mem)_[a-z]+|x.*y`).free?.(), ["_"]);
    return `${(ns / 1000).toFixed(1)} us/pattern`;
  });
  const catastrophic = compile("^(?s:(a+)+x|a+b)$");
  const began = performance.now();
  const matched = catastrophic.test(`${"a".repeat(38)}b`);
  console.log(`regex_engine_${name}_pathological_38a ${(performance.now() - began).toFixed(2)} ms`);
  console.log(`regex_engine_${name}_pathological_38a_matched ${matched ? 1 : 0} bool`);
}

/** Prints one figure, or on stderr why it could not be had (V8 has no `(?i:…)`, say). */
function measure(engine: string, figure: string, run: () => string): void {
  try {
    console.log(`regex_engine_${engine}_${figure} ${run()}`);
  } catch (error) {
    console.error(`Cannot measure ${engine} ${figure}: ${error}`);
  }
}
