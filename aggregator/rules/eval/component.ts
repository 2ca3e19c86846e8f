/**
 * The aggregator's `rules` component: loads `rule_files`, runs the groups, reloads them on
 * demand. A reload keeps running the previous version of every group the new files refuse (a
 * file that cannot be read keeps all its groups), so one broken edit stops nothing.
 */

import { type ConfigProblem, formatProblem } from "../../../shared/config/errors.ts";
import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import type { RuleFileResult } from "../file.ts";
import { type LoadedRules, loadRuleFiles } from "../load.ts";
import type { RuleGroup } from "../model.ts";
import type { EvaluatorDeps } from "./deps.ts";
import { type ManagerOptions, RuleManager } from "./manager.ts";

const log = logger("rules");

/** Where the rule files are and how groups run. */
export interface RulesOptions extends ManagerOptions {
  readonly globs: readonly string[];
  readonly baseDir: string;
  /**
   * Files that generate rule groups (SLO specs), loaded beside the rule files at every
   * (re)load; one with problems keeps its previous groups, as a refused rule file does.
   */
  readonly generated?: () => Promise<readonly GeneratedFile[]>;
  /**
   * The rule files loaded already, for the first load to take instead of reading them again:
   * `outpost up` loads them before anything starts, to refuse a bad one.
   */
  readonly loaded?: LoadedRules;
}

/** A file that generates rule groups: its groups, or its problems. */
export interface GeneratedFile {
  readonly file: string;
  readonly groups: readonly RuleGroup[];
  readonly problems: readonly ConfigProblem[];
}

/** Rule files loaded and evaluated. */
export class RulesComponent {
  readonly manager: RuleManager;
  private groups: readonly RuleGroup[] = [];
  private reloading: Promise<ConfigProblem[]> = Promise.resolve([]);
  /** `options.loaded` until the first load takes it. */
  private loadedAlready: LoadedRules | undefined;

  constructor(
    private readonly options: RulesOptions,
    deps: EvaluatorDeps,
    registry: Registry,
  ) {
    this.manager = new RuleManager(deps, options, registry);
    this.loadedAlready = options.loaded;
  }

  /** Loads the files and starts the groups; problems are logged, good groups run. */
  async start(): Promise<void> {
    await this.reload();
    this.manager.start();
  }

  /** Stops every group. */
  async stop(): Promise<void> {
    await this.reloading;
    await this.manager.stop();
  }

  /** Loads the files again; returns the problems found (logged too). One reload at a time. */
  reload(): Promise<ConfigProblem[]> {
    this.reloading = this.reloading.then(() => this.load());
    return this.reloading;
  }

  private async load(): Promise<ConfigProblem[]> {
    const loaded =
      this.loadedAlready ?? (await loadRuleFiles(this.options.globs, this.options.baseDir));
    this.loadedAlready = undefined;
    const generated = ((await this.options.generated?.()) ?? []).map(
      (f): RuleFileResult => ({ ...f, refused: [] }),
    );
    const files = [...loaded.files, ...generated];
    const problems = files.flatMap((f) => f.problems);
    for (const p of problems)
      log.error("Cannot load rule group: keeping its previous version", {
        problem: formatProblem(p),
      });
    this.groups = files.flatMap((f) => keptGroups(f, this.groups));
    await this.manager.update(this.groups);
    return problems;
  }
}

/** A file's good groups, with the previous version of each group it refused in its place. */
function keptGroups(file: RuleFileResult, previous: readonly RuleGroup[]): RuleGroup[] {
  const before = previous.filter((g) => g.file === file.file);
  const unreadable =
    file.groups.length === 0 && file.refused.length === 0 && file.problems.length > 0;
  if (unreadable) return before;
  const refused = new Set(file.refused);
  const good = new Map(file.groups.map((g) => [g.name, g]));
  const out: RuleGroup[] = [];
  for (const g of before) if (refused.has(g.name) && !good.has(g.name)) out.push(g);
  return [...out, ...file.groups];
}
