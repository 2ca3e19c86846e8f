/**
 * `slo_files` and `slo_probes` loaded into rule groups ready for the evaluator: each spec file
 * found by the globs (as `rule_files` finds rule files) is parsed, checked and generated on
 * its own, so a bad file is reported with its lines and the others' groups still load.
 */
import type { ConfigProblem } from "../../shared/config/errors.ts";
import { expandRuleGlobs } from "../rules/load.ts";
import type { RuleGroup } from "../rules/model.ts";
import { type GenerateOptions, generateGroups } from "./generate.ts";
import { nameOfProbeSlo, type ProbeSlo, probeSpec } from "./probe.ts";
import { typedGroups } from "./render.ts";
import { readSloSpec, type SpecResult } from "./spec.ts";

/** One spec file (or probe SLO), loaded. */
export interface SloFileResult {
  /** The file as its glob found it, or `slo_probes[i]`. */
  readonly file: string;
  /** Its groups, empty when it has a problem. */
  readonly groups: readonly RuleGroup[];
  readonly problems: readonly ConfigProblem[];
}

/** Every SLO the config names, loaded. */
export interface LoadedSlos {
  readonly files: readonly SloFileResult[];
  /** The groups of every file without problems, in file order. */
  readonly groups: readonly RuleGroup[];
  readonly problems: readonly ConfigProblem[];
}

/** Finds the spec files `globs` match under `baseDir` and generates each; never throws for a bad file. */
export async function loadSloFiles(
  globs: readonly string[],
  baseDir: string,
  options: GenerateOptions = {},
): Promise<LoadedSlos> {
  const files = await expandRuleGlobs(globs, baseDir);
  const results = await Promise.all(
    files.map(async (file) => toGroups(file, await readSloSpec(file), options)),
  );
  return collect(results);
}

/**
 * The rule groups of `slo_probes`; a probe SLO's problems name it `slo_probes[i]`. Every probe
 * SLO is of service `probe`, so two of one name would write the same series from different
 * queries (`http://` and `https://` of one host derive the same name): the later is refused.
 */
export function loadProbeSlos(
  probes: readonly ProbeSlo[],
  options: GenerateOptions = {},
): LoadedSlos {
  const first = new Map<string, number>();
  return collect(
    probes.map((p, i) => {
      const where = `slo_probes[${i}]`;
      const name = nameOfProbeSlo(p);
      const taken = first.get(name);
      if (taken === undefined) first.set(name, i);
      else return { file: where, groups: [], problems: [sameName(where, name, taken)] };
      return toGroups(where, probeSpec(p, where), options);
    }),
  );
}

function sameName(where: string, name: string, taken: number): ConfigProblem {
  return {
    file: where,
    line: 0,
    column: 0,
    path: "",
    reason: `Cannot generate probe SLO: its name "${name}" is slo_probes[${taken}]'s too; set a name on one of them`,
  };
}

/** The settings of a config that hold probe SLOs: its own (tenant `default`'s) and each tenant's. */
interface ProbeSloSettings {
  readonly slo_probes: readonly ProbeSlo[];
  readonly tenants: Readonly<Record<string, { readonly slo_probes: readonly ProbeSlo[] }>>;
}

/**
 * What the probe SLOs of a config would be refused with when its rules start, each problem's
 * path naming where it is (`tenants.acme.slo_probes[0]`), for `outpost check`.
 */
export function configProbeSloProblems(config: ProbeSloSettings): ConfigProblem[] {
  const scopes: [string, readonly ProbeSlo[]][] = [
    ["", config.slo_probes],
    ...Object.entries(config.tenants).map(([name, t]): [string, readonly ProbeSlo[]] => [
      `tenants.${name}.`,
      t.slo_probes,
    ]),
  ];
  return scopes.flatMap(([prefix, probes]) =>
    loadProbeSlos(probes).problems.map((p) => ({ ...p, file: `${prefix}${p.file}` })),
  );
}

function toGroups(file: string, parsed: SpecResult, options: GenerateOptions): SloFileResult {
  if (parsed.spec === undefined) return { file, groups: [], problems: parsed.problems };
  return { file, groups: typedGroups(generateGroups(parsed.spec, options), file), problems: [] };
}

function collect(files: SloFileResult[]): LoadedSlos {
  return {
    files,
    groups: files.flatMap((f) => f.groups),
    problems: files.flatMap((f) => f.problems),
  };
}
