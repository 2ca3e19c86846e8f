/**
 * Label filters at run time, after Loki's `log/label_filter.go`: string matchers compare the
 * value ("" when absent, `__error__` reads the error); numeric, duration and bytes filters
 * drop a line without the label and keep one whose value does not convert, marking it
 * `__error__=LabelFilterErr` (unless an earlier error is already set).
 */
import type { CompareOp, LabelFilter } from "./ast.ts";
import { type GoResult, parseBytes, parseGoDuration, parseGoFloat } from "./go_values.ts";
import {
  ERR_LABEL_FILTER,
  ERROR_DETAILS_LABEL,
  ERROR_LABEL,
  type LabelsBuilder,
} from "./labels_builder.ts";
import { compileLabelMatcher } from "./regex.ts";

/** A compiled filter: true keeps the line. */
export type LabelTest = (b: LabelsBuilder) => boolean;

const COMPARE: Readonly<Record<CompareOp, (a: number, b: number) => boolean>> = {
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
};

const CONVERT: Readonly<Record<"number" | "duration" | "bytes", (v: string) => GoResult>> = {
  number: parseGoFloat,
  duration: parseGoDuration,
  bytes: parseBytes,
};

/** The value a string filter compares. */
export function filterValue(b: LabelsBuilder, name: string): string {
  if (name === ERROR_LABEL) return b.err;
  if (name === ERROR_DETAILS_LABEL) return b.errDetails;
  return b.get(name) ?? "";
}

/** Compiles a label filter expression. */
export function compileLabelFilter(f: LabelFilter): LabelTest {
  switch (f.type) {
    case "and": {
      const left = compileLabelFilter(f.left);
      const right = compileLabelFilter(f.right);
      return (b) => {
        const l = left(b);
        const r = right(b);
        return l && r;
      };
    }
    case "or": {
      const left = compileLabelFilter(f.left);
      const right = compileLabelFilter(f.right);
      return (b) => left(b) || right(b);
    }
    case "string": {
      const test = compileLabelMatcher(f.matcher);
      const name = f.matcher.name;
      return (b) => test(filterValue(b, name));
    }
    default: {
      const convert = CONVERT[f.type];
      const compare = COMPARE[f.op];
      const { name, value } = f;
      return (b) => {
        const v = b.get(name);
        if (v === undefined) return false;
        const r = convert(v);
        if (r.error !== undefined) {
          if (b.err === "") b.setErr(ERR_LABEL_FILTER, r.error);
          return true;
        }
        return compare(r.value, value);
      };
    }
  }
}
