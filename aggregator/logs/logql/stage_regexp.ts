/**
 * Stages that cut a line into labels by position: `| regexp "(?P<name>…)"` (Go regexp,
 * unanchored, named groups only) and `| pattern "<name> …"`, plus `| decolorize`, which
 * strips ANSI colour codes.
 */
import { DUPLICATE_SUFFIX, type LabelsBuilder, sanitizeLabelKey } from "./labels_builder.ts";
import { compilePattern } from "./pattern.ts";
import { compileSearchRegex } from "./regex.ts";
import type { StageFn } from "./stage.ts";

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function setParsed(b: LabelsBuilder, key: string, value: string): void {
  const name = b.baseHas(key) ? key + DUPLICATE_SUFFIX : key;
  if (b.shouldExtract(name)) b.set(name, value);
}

/** `| regexp`; throws a SyntaxError with Loki's message for an unusable expression. */
export function regexpStage(pattern: string): StageFn {
  const regex = compileSearchRegex(pattern);
  const { groupNames } = regex;
  const named: [number, string][] = [];
  for (let i = 1; i < groupNames.length; i++) {
    const name = groupNames[i];
    if (name === "") continue;
    if (!LABEL_NAME.test(name)) throw new SyntaxError(`invalid extracted label name '${name}'`);
    if (named.some(([, n]) => n === name)) {
      throw new SyntaxError(`duplicate extracted label name '${name}'`);
    }
    named.push([i, sanitizeLabelKey(name, true)]);
  }
  if (named.length === 0) throw new SyntaxError("at least one named capture must be supplied");
  return (line, b) => {
    const m = regex.exec(line);
    if (m !== null) for (const [i, name] of named) setParsed(b, name, m[i] ?? "");
    return line;
  };
}

/** `| pattern`. */
export function patternStage(pattern: string): StageFn {
  const compiled = compilePattern(pattern, true);
  for (const name of compiled.names) {
    if (!LABEL_NAME.test(name)) throw new SyntaxError(`invalid capture label name '${name}'`);
  }
  return (line, b) => {
    const values = compiled.matches(line);
    for (let i = 0; i < values.length; i++) setParsed(b, compiled.names[i], values[i]);
    return line;
  };
}

const ANSI = /\x1b\[[0-9;]*[a-zA-Z]/g;

/** `| decolorize`. */
export function decolorizeStage(): StageFn {
  return (line) => (line.includes("\x1b") ? line.replace(ANSI, "") : line);
}
