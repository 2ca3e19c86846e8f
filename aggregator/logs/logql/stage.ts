/**
 * Pipeline stages at run time: each takes a line and its labels and returns the line to pass
 * on, or null to drop it. Compiling a stage checks what Loki checks when it builds its
 * pipeline (regexes, templates, patterns) and fails with a SyntaxError.
 */
import type { DropKeepStage, LabelFormatStage, Stage } from "./ast.ts";
import { compileLabelFilter, filterValue } from "./label_filter.ts";
import {
  ERR_TEMPLATE,
  ERROR_DETAILS_LABEL,
  ERROR_LABEL,
  type LabelsBuilder,
} from "./labels_builder.ts";
import { compileLineFilter } from "./line_filter.ts";
import { compileLabelMatcher } from "./regex.ts";
import { jsonExtractStage, jsonStage, unpackStage } from "./stage_json.ts";
import { logfmtStage } from "./stage_logfmt.ts";
import { decolorizeStage, patternStage, regexpStage } from "./stage_regexp.ts";
import { compileTemplate } from "./template.ts";

/** One compiled stage. */
export type StageFn = (line: string, b: LabelsBuilder, timeNs: bigint) => string | null;

/** Compiles one stage. */
export function compileStage(stage: Stage): StageFn {
  switch (stage.kind) {
    case "line_filter": {
      const test = compileLineFilter(stage.op, stage.values);
      return (line) => (test(line) ? line : null);
    }
    case "json":
      return stage.extractions.length > 0 ? jsonExtractStage(stage.extractions) : jsonStage();
    case "logfmt":
      return logfmtStage(stage);
    case "regexp":
      return regexpStage(stage.pattern);
    case "pattern":
      return patternStage(stage.pattern);
    case "unpack":
      return unpackStage();
    case "decolorize":
      return decolorizeStage();
    case "label_filter": {
      const test = compileLabelFilter(stage.filter);
      return (line, b) => (test(b) ? line : null);
    }
    case "line_format": {
      const template = compileTemplate("line", stage.template);
      return (line, b, timeNs) => {
        try {
          return template(b.record(), { line, timeNs });
        } catch (error) {
          b.setErr(ERR_TEMPLATE, (error as Error).message);
          return line;
        }
      };
    }
    case "label_format":
      return labelFormatStage(stage);
    case "drop":
      return dropStage(stage);
    case "keep":
      return keepStage(stage);
  }
}

/** `| label_format`: renames move a value; templates see the labels as they were before. */
function labelFormatStage(stage: LabelFormatStage): StageFn {
  const items = stage.items.map((item) => ({
    ...item,
    compiled: item.template === undefined ? undefined : compileTemplate("label", item.template),
  }));
  return (line, b, timeNs) => {
    const data = items.some((i) => i.compiled) ? b.record() : {};
    for (const item of items) {
      if (item.compiled === undefined) {
        const value = b.get(item.rename!);
        if (value === undefined) continue;
        b.del(item.rename!);
        b.set(item.name, value);
        continue;
      }
      try {
        b.set(item.name, item.compiled(data, { line, timeNs }));
      } catch (error) {
        b.setErr(ERR_TEMPLATE, (error as Error).message);
      }
    }
    return line;
  };
}

function compileItems(stage: DropKeepStage) {
  return stage.items.map((item) => ({
    name: item.name,
    test: item.matcher === undefined ? undefined : compileLabelMatcher(item.matcher),
  }));
}

/** `| drop`: removes labels (matchers: only when the value matches); errors can be dropped. */
function dropStage(stage: DropKeepStage): StageFn {
  const items = compileItems(stage);
  return (line, b) => {
    for (const { name, test } of items) {
      if (test !== undefined && !test(filterValue(b, name))) continue;
      if (name === ERROR_LABEL) b.err = "";
      else if (name === ERROR_DETAILS_LABEL) b.errDetails = "";
      else b.del(name);
    }
    return line;
  };
}

/** `| keep`: removes every label not listed (the error labels stay). */
function keepStage(stage: DropKeepStage): StageFn {
  const items = compileItems(stage);
  return (line, b) => {
    for (const name of b.names()) {
      const value = b.get(name)!;
      const kept = items.some((i) => i.name === name && (i.test === undefined || i.test(value)));
      if (!kept) b.del(name);
    }
    return line;
  };
}
