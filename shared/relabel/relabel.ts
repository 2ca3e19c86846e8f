import { createHash } from "node:crypto";
import { compareNames, isValidLabelName } from "../model/labels.ts";
import { expandTemplate } from "../regex/expand.ts";
import { compileRegex, type Regex } from "../regex/regex.ts";
import { goToLower, goToUpper } from "./case.ts";
import type { RelabelConfig } from "./config.ts";

/** One rule ready to run: its config and its compiled regex. */
interface CompiledRule {
  readonly config: RelabelConfig;
  readonly regex: Regex;
}

/** A list of relabel rules compiled once by {@link compileRelabel}, applied to many label sets. */
export interface RelabelProgram {
  readonly rules: readonly CompiledRule[];
}

/** Compiles rules (already validated by `relabelConfigSchema`); throws if a regex is invalid. */
export function compileRelabel(configs: readonly RelabelConfig[]): RelabelProgram {
  return { rules: configs.map((config) => ({ config, regex: compileRegex(config.regex) })) };
}

/**
 * Runs the rules in order on `labels`, editing the map in place, the way Prometheus's
 * `relabel.Process` does. Returns false as soon as a rule drops the set; the map is then
 * left part-way edited and should be discarded. An empty value means "absent": entries
 * with "" are removed, and a rule that writes "" deletes the label.
 */
export function applyRelabel(program: RelabelProgram, labels: Map<string, string>): boolean {
  const set = new LabelSet(labels);
  return program.rules.every((rule) => applyRule(rule, set));
}

function applyRule({ config, regex }: CompiledRule, labels: LabelSet): boolean {
  const value = config.source_labels.map((name) => labels.get(name)).join(config.separator);
  switch (config.action) {
    case "keep":
      return regex.test(value);
    case "drop":
      return !regex.test(value);
    case "keepequal":
      return labels.get(config.target_label) === value;
    case "dropequal":
      return labels.get(config.target_label) !== value;
    case "replace":
      replace(config, regex, value, labels);
      return true;
    case "lowercase":
      labels.set(config.target_label, goToLower(value));
      return true;
    case "uppercase":
      labels.set(config.target_label, goToUpper(value));
      return true;
    case "hashmod":
      labels.set(config.target_label, hashMod(value, config.modulus));
      return true;
    case "labelmap":
      labelMap(config, regex, labels);
      return true;
    case "labeldrop":
    case "labelkeep":
      for (const [name] of labels.entries()) {
        if (regex.test(name) === (config.action === "labeldrop")) labels.delete(name);
      }
      return true;
  }
}

function replace(config: RelabelConfig, regex: Regex, value: string, labels: LabelSet): void {
  const match = regex.exec(value);
  if (match === null) return;
  const target = expandTemplate(config.target_label, match, regex.groupNames);
  // Prometheus 3 checks the expanded name with its default UTF-8 scheme: any non-empty name
  // goes (`${1}` may expand to `foo.bar`); an empty one skips the rule.
  if (!isValidLabelName(target)) return;
  labels.set(target, expandTemplate(config.replacement, match, regex.groupNames));
}

function labelMap(config: RelabelConfig, regex: Regex, labels: LabelSet): void {
  for (const [name, value] of labels.entries()) {
    const match = regex.exec(name);
    if (match === null) continue;
    const target = expandTemplate(config.replacement, match, regex.groupNames);
    // Prometheus would write an empty name here and then reject the whole target or scrape;
    // we skip the label instead, as `replace` does, so callers never see an empty name.
    if (isValidLabelName(target)) labels.set(target, value);
  }
}

/** md5 of the value; its last 8 bytes as a big-endian uint64, modulo `modulus` (as Prometheus). */
export function hashMod(value: string, modulus: number): string {
  const digest = createHash("md5").update(value, "utf8").digest();
  return (digest.readBigUInt64BE(8) % BigInt(modulus)).toString();
}

/**
 * The label set under edit. Besides wrapping the caller's map it reproduces the visiting
 * order of Prometheus's `labels.Builder`, which decides the winner when `labelmap` maps two
 * labels onto one name: first the labels not written since the start, in name order, then
 * the labels written since, in the order they were first written.
 */
class LabelSet {
  private readonly original: readonly string[];
  private readonly written: string[] = [];

  constructor(private readonly map: Map<string, string>) {
    for (const [name, value] of map) if (value === "") map.delete(name);
    this.original = [...map.keys()].sort(compareNames);
  }

  /** The value of `name`, or "" when it is absent. */
  get(name: string): string {
    return this.map.get(name) ?? "";
  }

  /** Sets `name`; an empty value deletes it. */
  set(name: string, value: string): void {
    if (value === "") {
      this.delete(name);
      return;
    }
    if (!this.written.includes(name)) this.written.push(name);
    this.map.set(name, value);
  }

  delete(name: string): void {
    const at = this.written.indexOf(name);
    if (at >= 0) this.written.splice(at, 1);
    this.map.delete(name);
  }

  /** A snapshot of the labels in visiting order, safe to edit the set while iterating it. */
  entries(): [string, string][] {
    const untouched = this.original.filter((n) => this.map.has(n) && !this.written.includes(n));
    return [...untouched, ...this.written].map((n) => [n, this.map.get(n)!]);
  }
}
