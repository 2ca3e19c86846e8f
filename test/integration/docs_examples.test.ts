/**
 * Every ```yaml block of README.md and docs/*.md loads with the loader that would read it, so
 * an example a user copies is one Outpost accepts. Blocks are extracted when the test runs: a
 * new or edited example is checked without touching this file.
 *
 * A block's kind is told as `outpost check` tells files apart (cli/check.ts `fileKind`). A
 * block holding only some top-level sections is a whole file as it stands, since every other
 * section has a default.
 *
 * A block that is a piece of a section (a fragment) is listed in FRAGMENTS with how it is
 * completed: lines put before it and how far it is indented below them. A block that cannot
 * be loaded at all is listed in SKIPPED with the reason, and shows up as a skipped test.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAgentConfig } from "../../agent/config/load.ts";
import { parseAggregatorConfig } from "../../aggregator/config/load.ts";
import { parseAlertmanagerConfig } from "../../aggregator/notify/config/load.ts";
import { parseRuleFile } from "../../aggregator/rules/file.ts";
import { generateGroups } from "../../aggregator/slo/generate.ts";
import { configProbeSloProblems } from "../../aggregator/slo/load.ts";
import { typedGroups } from "../../aggregator/slo/render.ts";
import { parseSloSpec } from "../../aggregator/slo/spec.ts";
import { type FileKind, fileKind } from "../../cli/check.ts";
import { ConfigError, type ConfigProblem } from "../../shared/config/errors.ts";

const ROOT = resolve(import.meta.dir, "../..");
const DOCS = ["README.md", ...[...new Bun.Glob("docs/*.md").scanSync({ cwd: ROOT })].sort()];

type Kind = FileKind;

const KIND_NAMES: Record<Kind, string> = {
  agent: "an agent config",
  aggregator: "an aggregator config",
  alertmanager: "an alertmanager.yml",
  rules: "a Prometheus rule file",
  slo: "a Sloth SLO spec",
};

/** A fragment: a block that is part of a section, and the file it is completed into. */
interface Fragment {
  /** The doc holding the block, relative to the repository. */
  readonly doc: string;
  /** The block's first line starts with this. */
  readonly opens: string;
  readonly kind: Kind;
  /** What the block is, and so where it goes. */
  readonly why: string;
  /** Lines put before the block. */
  readonly prefix: readonly string[];
  /** Spaces put before each of the block's lines. */
  readonly indent: number;
}

const FRAGMENTS: readonly Fragment[] = [
  {
    doc: "docs/logs.md",
    opens: "stages:",
    kind: "agent",
    why: "the `stages` of one log source: completed into an entry of the agent's `logs`",
    prefix: ["logs:", "  - name: example", "    include: [/var/log/example.log]"],
    indent: 4,
  },
  {
    doc: "docs/auth.md",
    opens: "basic_auth:",
    kind: "agent",
    why: "amtool's --http.config.file, Prometheus's HTTP client settings: completed into a scrape job, which takes the same settings inline",
    prefix: [
      "scrape_configs:",
      "  - job_name: example",
      '    static_configs: [{targets: ["localhost:9093"]}]',
    ],
    indent: 4,
  },
];

/** A block no loader can read (pseudo-YAML, a shape shown for illustration), and why. */
interface Skipped {
  readonly doc: string;
  readonly opens: string;
  readonly reason: string;
}

// Empty while every example loads; an entry here must say why its block cannot.
const SKIPPED: readonly Skipped[] = [];

/** One fenced YAML block of a doc. */
interface Block {
  readonly doc: string;
  /** 1-based line of the opening fence; the block's line n is the doc's line `fence + n`. */
  readonly fence: number;
  readonly text: string;
}

/** The ```yaml (or ```yml) blocks of a markdown text, indented ones included. */
function yamlBlocks(doc: string, markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ya?ml\s*$/.exec(lines[i]);
    if (open === null) continue;
    const indent = open[1].length;
    let end = i + 1;
    while (end < lines.length && !lines[end].trimStart().startsWith("```")) end++;
    const body = lines.slice(i + 1, end).map((line) => line.slice(indent));
    blocks.push({ doc, fence: i + 1, text: `${body.join("\n")}\n` });
    i = end;
  }
  return blocks;
}

const blocks = DOCS.flatMap((doc) => yamlBlocks(doc, readFileSync(join(ROOT, doc), "utf8")));

const matches = (entry: { doc: string; opens: string }, block: Block) =>
  entry.doc === block.doc && block.text.startsWith(entry.opens);

/** Problems of a loader that throws a ConfigError for them; anything else is a bug. */
function thrown(load: () => unknown): ConfigProblem[] {
  try {
    load();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

/** The aggregator config, and the probe SLOs it generates when the rules start. */
function aggregatorProblems(text: string, file: string): ConfigProblem[] {
  let config: ReturnType<typeof parseAggregatorConfig> | undefined;
  const problems = thrown(() => {
    config = parseAggregatorConfig(text, file, "docs-example");
  });
  if (config === undefined) return problems;
  // A probe SLO's problems are located in the spec text it stands for, not in this file.
  return configProbeSloProblems(config).map((p) => ({ ...p, line: 0, column: 0, path: p.file }));
}

/** A Sloth spec, and the rules it generates, checked as rule files are. */
function sloProblems(text: string, file: string): ConfigProblem[] {
  const parsed = parseSloSpec(text, file);
  if (parsed.spec === undefined) return [...parsed.problems];
  typedGroups(generateGroups(parsed.spec), file);
  return [];
}

const LOADERS: Record<Kind, (text: string, file: string) => ConfigProblem[]> = {
  agent: (text, file) => thrown(() => parseAgentConfig(text, file, { hostname: "docs-example" })),
  aggregator: aggregatorProblems,
  alertmanager: (text, file) => thrown(() => parseAlertmanagerConfig(text, file)),
  rules: (text, file) => [...parseRuleFile(text, file).problems],
  slo: sloProblems,
};

/** A problem as `doc:line:column: path: reason`, at the doc's line of the block's text. */
function located(block: Block, fragment: Fragment | undefined, p: ConfigProblem): string {
  const shift = fragment?.prefix.length ?? 0;
  const inBlock = p.line > shift;
  const line = inBlock ? block.fence + p.line - shift : block.fence;
  const column = inBlock ? `:${Math.max(1, p.column - (fragment?.indent ?? 0))}` : "";
  const path = p.path === "" ? "" : `${p.path}: `;
  return `${block.doc}:${line}${column}: ${path}${p.reason}`;
}

/** Loads a block with its kind's loader; returns its problems, located in its doc. */
function problemsOf(block: Block, fragment: Fragment | undefined): string[] {
  const indent = " ".repeat(fragment?.indent ?? 0);
  const body = block.text.replace(/^(?=.)/gm, indent);
  const text = fragment === undefined ? body : `${fragment.prefix.join("\n")}\n${body}`;
  const kind = fragment?.kind ?? fileKind(block.text);
  return LOADERS[kind](text, join(ROOT, block.doc)).map((p) => located(block, fragment, p));
}

function title(block: Block, fragment: Fragment | undefined): string {
  const what = fragment ? fragment.why : KIND_NAMES[fileKind(block.text)];
  return `${block.doc}:${block.fence + 1}, ${what}, loads`;
}

describe("the YAML examples of the docs", () => {
  test("are found in README.md and docs/*.md", () => {
    expect(blocks.filter((b) => b.doc === "README.md").length).toBeGreaterThan(0);
    expect(blocks.filter((b) => b.doc.startsWith("docs/")).length).toBeGreaterThan(0);
  });

  test("each listed fragment or skipped block names exactly one block", () => {
    const stale = [...FRAGMENTS, ...SKIPPED]
      .filter((entry) => blocks.filter((b) => matches(entry, b)).length !== 1)
      .map((entry) => `${entry.doc}: a block opening with "${entry.opens}"`);
    expect(stale).toEqual([]);
  });

  for (const block of blocks) {
    const skipped = SKIPPED.find((s) => matches(s, block));
    if (skipped !== undefined) {
      test.skip(`${block.doc}:${block.fence + 1} is not checked: ${skipped.reason}`, () => {});
      continue;
    }
    const fragment = FRAGMENTS.find((f) => matches(f, block));
    test(title(block, fragment), () => {
      expect(problemsOf(block, fragment)).toEqual([]);
    });
  }
});
