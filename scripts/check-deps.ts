/**
 * Checks the dependency direction of docs/architecture.md: `agent, aggregator → shared → proto`,
 * `ui → proto`, and that each driver is imported from one folder only. Exits 1 listing every
 * offending import.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");

/** Top-level folders each folder may import from (besides itself). */
const allowed: Record<string, string[]> = {
  agent: ["shared", "proto"],
  aggregator: ["shared", "proto"],
  shared: ["proto"],
  proto: [],
  ui: ["proto"],
};

/** npm packages that only one folder may import: the single place that talks to that driver. */
const drivers: Record<string, string[]> = {
  // bench/nats_auth_connect.ts times the client's connect itself, per kind of NATS user.
  nats: ["shared/nats", "agent/sinks/nats", "aggregator/ingest", "test", "bench"],
  "@duckdb/node-bindings": ["aggregator/storage/parquet"],
  "lz4-napi": ["shared/codec"],
  // The engines benchmark measures the library itself, beside its rivals.
  re2js: ["shared/regex", "bench"],
  // test/ reads buckets as an outside engine would (harness/glob.ts), not through Outpost's reader.
  "@duckdb/node-api": ["aggregator/storage/parquet", "test"],
  // The browser drives the web UI's tests and its load benchmark only.
  "playwright-core": ["test", "bench"],
  // Browser libraries belong to the web UI alone: the server never bundles them.
  ...Object.fromEntries(
    ["react", "react-dom", "@mantine/core", "@mantine/hooks", "uplot", "@tanstack/react-query"].map(
      // The panel gallery page is bundled by its browser test only (test/e2e/ui_panels.test.ts).
      (pkg) => [pkg, ["ui", "test/fixtures/ui_panels"]],
    ),
  ),
};

/**
 * Folders of speed-only code (docs/promql.md, "Fast paths") and the only files outside them
 * that may import them: the dispatch points, and test support. Tests (`*.test.ts`) and
 * benchmarks may import them too.
 */
const speedOnly: Record<string, string[]> = {
  "aggregator/promql/engine/fast": [
    // Builds the FastPaths object (the reference mode leaves it out) and re-exports RateHelper.
    "aggregator/promql/engine/engine.ts",
    "aggregator/promql/engine/testing.ts",
  ],
  "aggregator/storage/cache": [
    // Owns the query cache and reads through it.
    "aggregator/storage/store.ts",
    "aggregator/storage/union.ts",
    // The fast paths read what the cache knows about its slices.
    "aggregator/promql/engine/fast",
    // The conformance runner's storage modes serve data the way the cache does.
    "aggregator/promql/promqltest/modes.ts",
  ],
};

/** The speed-only folder `target` (a path from the root) lies in, if any. */
function speedOnlyFolder(target: string): string | undefined {
  return Object.keys(speedOnly).find((f) => target === f || target.startsWith(`${f}/`));
}

/**
 * The one file of the aggregator that loads DuckDB (on first use): elsewhere its packages are
 * imported for their types only, so that an aggregator at rest never maps the native library.
 */
const duckDbLoader = "aggregator/storage/parquet/duckdb.ts";

/** True for a value import of a DuckDB package from aggregator code other than the loader. */
function loadsDuckDbEagerly(rel: string, pkg: string, statement: string): boolean {
  if (!pkg.startsWith("@duckdb/") || !rel.startsWith("aggregator/")) return false;
  if (rel === duckDbLoader || rel.endsWith(".test.ts")) return false;
  return !/^\s*(?:import|export)\s+type\b/.test(statement);
}

const forbiddenPackages: Record<string, string[]> = {
  agent: ["@duckdb/node-api", "@duckdb/node-bindings"],
};

function* files(dir: string): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === "node_modules" || name === "gen" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx)$/.test(name)) yield p;
  }
}

const importRe =
  /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
const problems: string[] = [];

for (const top of [...Object.keys(allowed), "test", "bench", "scripts", "cli"]) {
  for (const file of files(join(root, top))) {
    const rel = relative(root, file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith(".")) {
        const path = relative(root, resolve(file, "..", spec));
        const folder = speedOnlyFolder(path);
        const exempt = rel.endsWith(".test.ts") || rel.startsWith("bench/");
        if (folder && speedOnlyFolder(rel) !== folder && !exempt) {
          const owners = speedOnly[folder];
          if (!owners.some((o) => rel === o || rel.startsWith(`${o}/`))) {
            problems.push(
              `${rel}: imports ${spec} (only ${owners.join(", ")} may import the speed-only ${folder})`,
            );
          }
        }
        const target = path.split("/")[0];
        const rules = allowed[top];
        // Tests beside the code may use the test harness (real nats-server, exporters).
        const harness = target === "test" && rel.endsWith(".test.ts");
        if (rules && target !== top && !rules.includes(target) && !harness) {
          problems.push(`${rel}: imports ${spec} (${top} must not import ${target})`);
        }
        continue;
      }
      const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      const owners = drivers[pkg];
      if (owners && !owners.some((o) => rel.startsWith(`${o}/`))) {
        problems.push(`${rel}: imports ${pkg}, which only ${owners.join(", ")} may import`);
      }
      if (loadsDuckDbEagerly(rel, pkg, m[0]))
        problems.push(`${rel}: imports ${pkg} for its values (only ${duckDbLoader} loads DuckDB)`);
      if (forbiddenPackages[top]?.includes(pkg))
        problems.push(`${rel}: ${top} must not import ${pkg}`);
    }
  }
}

if (problems.length > 0) {
  console.error(
    `Cannot accept the dependency direction:\n${problems.map((p) => `  ${p}`).join("\n")}`,
  );
  process.exit(1);
}
console.log("dependency direction ok");
