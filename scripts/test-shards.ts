/**
 * `make unit`: every test file, in SHARDS `bun test` processes at once. Most of the suite's
 * time is spent waiting on real services (nats-server, DuckDB, exporters, Chromium) rather
 * than on a core, so two processes on CI's two cores finish well before one. Each shard is
 * its own process (not `bun test --parallel`, whose workers share a process: the tests that
 * measure the process's memory would see each other's). Files are dealt out by the times in
 * test/timings.json (longest first, each to the shard with the least so far); a file it does
 * not list counts as DEFAULT_MS. Each shard's output is printed whole when it ends, then the
 * totals in bun's own closing form, which CI reads.
 *
 *   bun scripts/test-shards.ts [--shards N] [--junit DIR] [--timings FILE.xml …]
 *     --junit writes each shard's junit report to DIR/shard-N.xml beside its usual output;
 *     --timings rewrites test/timings.json from junit reports (those, or
 *     `bun test --reporter=junit --reporter-outfile=FILE.xml`).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";

const ROOT = join(import.meta.dir, "..");
const TIMINGS = join(ROOT, "test", "timings.json");
const DEFAULT_MS = 5_000;
/** A test's time limit: most start real services; bun's default is 5 s, and bunfig sets none. */
const TIMEOUT_MS = "60000";

/** Every test file bun would run, relative to the root. */
function testFiles(): string[] {
  const glob = new Bun.Glob("**/*.test.{ts,tsx}");
  return [...glob.scanSync({ cwd: ROOT })]
    .filter((f) => !f.startsWith("node_modules/") && !f.includes("/node_modules/"))
    .sort();
}

/** Seconds per file from a junit report's `<testsuite name=… time=…>` of each file. */
function timingsFromJunit(xml: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of xml.matchAll(/<testsuite name="([^"]+\.test\.tsx?)"[^>]*?time="([\d.]+)"/g)) {
    const file = relative(ROOT, join(ROOT, m[1]));
    out[file] = Math.round(Number(m[2]) * 1000);
  }
  return out;
}

/**
 * Files that drive headless Chromium: dealt to one shard together. Two browsers at once, beside
 * the other shard's services, drove the load average to 15 on CI's two cores, and timing-bound
 * tests of both shards failed (a page's click, a scrape racing its timeout, a peer's group_wait).
 */
export const ONE_SHARD = (f: string) => f.startsWith("test/e2e/");

/**
 * The files dealt into `n` shards of about equal time: the longest first, each to the shard with
 * the least so far; the ONE_SHARD files all to the first shard, before the others.
 */
export function deal(
  files: string[],
  ms: Record<string, number>,
  n: number,
  together: (f: string) => boolean = ONE_SHARD,
): string[][] {
  const shards = Array.from({ length: n }, () => ({ files: [] as string[], ms: 0 }));
  const cost = (f: string) => ms[f] ?? DEFAULT_MS;
  for (const f of files.filter(together)) {
    shards[0].files.push(f);
    shards[0].ms += cost(f);
  }
  const rest = files.filter((f) => !together(f));
  for (const f of rest.sort((a, b) => cost(b) - cost(a) || (a < b ? -1 : 1))) {
    const least = shards.reduce((a, b) => (b.ms < a.ms ? b : a));
    least.files.push(f);
    least.ms += cost(f);
  }
  return shards.map((s) => s.files.sort());
}

interface ShardResult {
  code: number;
  output: string;
  pass: number;
  fail: number;
  skip: number;
  expects: number;
}

const count = (text: string, word: string) =>
  Number(text.match(new RegExp(`^ *(\\d+) ${word}$`, "m"))?.[1] ?? 0);

/** Each `(fail)` line of a shard's output with up to `context` lines before it (bun prints the
 * error and its source there), cut at the previous test's result line. */
export function failureExcerpts(output: string, context = 12): string[] {
  const lines = output.split("\n");
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith("(fail)")) return;
    let from = i;
    while (from > 0 && i - from < context && !/^\((pass|fail|skip)\)/.test(lines[from - 1])) from--;
    out.push(lines.slice(from, i + 1).join("\n"));
  });
  return out;
}

async function runShard(
  files: string[],
  junit: string | null,
  shard: { index: number; of: number },
): Promise<ShardResult> {
  const report = junit ? ["--reporter=junit", `--reporter-outfile=${junit}`] : [];
  const paths = files.map((f) => `./${f}`);
  const proc = Bun.spawn(["bun", "test", "--timeout", TIMEOUT_MS, ...report, ...paths], {
    cwd: ROOT,
    // test/harness/ports.ts gives each shard its own slice of ports, so two shards never pick
    // the same free port in the same moment.
    env: {
      ...process.env,
      OUTPOST_TEST_SHARD: String(shard.index),
      OUTPOST_TEST_SHARDS: String(shard.of),
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  // bun test writes its results to stderr; both go out together, in order of arrival per stream.
  const output = `${out}${err}`;
  return {
    code,
    output,
    pass: count(output, "pass"),
    fail: count(output, "fail"),
    skip: count(output, "skip"),
    expects: count(output, "expect\\(\\) calls"),
  };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    options: {
      shards: { type: "string" },
      junit: { type: "string" },
      timings: { type: "boolean", default: false },
    },
    allowPositionals: true,
  });
  if (values.timings) {
    const ms: Record<string, number> = {};
    for (const file of positionals) Object.assign(ms, timingsFromJunit(readFileSync(file, "utf8")));
    writeFileSync(TIMINGS, `${JSON.stringify(ms, Object.keys(ms).sort(), 2)}\n`);
    console.log(`wrote ${Object.keys(ms).length} file timings to test/timings.json`);
    process.exit(0);
  }
  const n = Number(values.shards ?? process.env.TEST_SHARDS ?? 2);
  const ms = JSON.parse(readFileSync(TIMINGS, "utf8")) as Record<string, number>;
  const shards = deal(testFiles(), ms, n).filter((s) => s.length > 0);
  // bun test does not create the report's folder: without it the shard fails at its very end.
  if (values.junit) mkdirSync(values.junit, { recursive: true });
  const started = performance.now();
  const results = await Promise.all(
    shards.map(async (files, i) => {
      const r = await runShard(
        files,
        values.junit ? join(values.junit, `shard-${i + 1}.xml`) : null,
        { index: i, of: shards.length },
      );
      const s = ((performance.now() - started) / 1000).toFixed(0);
      process.stdout.write(
        `\n===== shard ${i + 1}/${shards.length} (${files.length} files, ${s} s) =====\n`,
      );
      process.stdout.write(r.output);
      return r;
    }),
  );
  // CI shows the end of a long log: name each failure there, with the lines bun printed before it.
  const failures = results.flatMap((r) => failureExcerpts(r.output));
  if (failures.length > 0) {
    console.log(`\n===== ${failures.length} failed =====`);
    for (const f of failures) console.log(f);
  }
  const sum = (k: "pass" | "fail" | "skip" | "expects") => results.reduce((a, r) => a + r[k], 0);
  const failed = results.some((r) => r.code !== 0);
  const seconds = (performance.now() - started) / 1000;
  const files = shards.reduce((a, s) => a + s.length, 0);
  console.log(`\n===== ${shards.length} shards =====`);
  // The totals close the output exactly as one `bun test` closes its own, "Ran N tests across M
  // files." included: CI recognises bun's closing lines and counted a run that ended any other
  // way (" N pass" alone, or "N passed, N failed") as one that ran no test.
  console.log(` ${sum("pass")} pass`);
  if (sum("skip") > 0) console.log(` ${sum("skip")} skip`);
  console.log(` ${sum("fail")} fail`);
  console.log(` ${sum("expects")} expect() calls`);
  const tests = sum("pass") + sum("skip") + sum("fail");
  console.log(`Ran ${tests} tests across ${files} files. [${seconds.toFixed(2)}s]`);
  // A shard can fail without a failing test (a crash, an unhandled error between tests).
  process.exit(failed ? 1 : 0);
}
