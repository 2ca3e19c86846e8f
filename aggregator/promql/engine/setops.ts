/**
 * The set operators `and`, `or` and `unless`. Series are matched by signature (their
 * `on(...)` labels, or all labels but `__name__` and the `ignoring(...)` ones) computed once
 * per series; which signatures a side holds is then tracked per step in one bitmap.
 */
import type { BinaryExpr } from "../parser/ast.ts";
import { SeriesCollector } from "./collect.ts";
import type { EvalContext } from "./context.ts";
import { evalVector, internal } from "./eval.ts";
import { matchSignature } from "./labelset.ts";
import type { StepSeries } from "./types.ts";

/** Per-step presence of each signature of one side: `bits[ordinal * n + step]`. */
function signaturePresence(
  series: StepSeries[],
  ordinals: Int32Array,
  count: number,
  n: number,
): Uint8Array {
  const bits = new Uint8Array(count * n);
  series.forEach((s, k) => {
    const base = ordinals[k] * n;
    for (let i = 0; i < n; i++) bits[base + i] |= s.present[i];
  });
  return bits;
}

/** The series of `series` at the steps where `keep(ordinal, step)` holds. */
function filtered(
  series: StepSeries[],
  ordinals: Int32Array,
  keep: (base: number, i: number) => boolean,
  n: number,
): StepSeries[] {
  const out: StepSeries[] = [];
  series.forEach((s, k) => {
    const base = ordinals[k] * n;
    const present = new Uint8Array(n);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (s.present[i] && keep(base, i)) {
        present[i] = 1;
        any = true;
      }
    }
    if (any) out.push({ labels: s.labels, values: s.values, present, dropName: s.dropName });
  });
  return out;
}

/** Evaluates `lhs and|or|unless rhs`, given the left operand's series. */
export async function evalSetOp(
  ctx: EvalContext,
  e: BinaryExpr,
  lhs: StepSeries[],
): Promise<StepSeries[]> {
  if (e.matching === null) throw internal("a set operation without matching");
  const signature = matchSignature(e.matching.on, e.matching.labels);
  const rhs = await evalVector(ctx, e.rhs);
  const n = ctx.grid.n;
  const index = new Map<string, number>();
  const ordinal = (s: StepSeries) => {
    const key = signature(s.labels);
    let o = index.get(key);
    if (o === undefined) {
      o = index.size;
      index.set(key, o);
    }
    return o;
  };
  const left = Int32Array.from(lhs, ordinal);
  const right = Int32Array.from(rhs, ordinal);
  switch (e.op) {
    case "and": {
      const bits = signaturePresence(rhs, right, index.size, n);
      return filtered(lhs, left, (base, i) => bits[base + i] === 1, n);
    }
    case "unless": {
      const bits = signaturePresence(rhs, right, index.size, n);
      return filtered(lhs, left, (base, i) => bits[base + i] === 0, n);
    }
    case "or": {
      const bits = signaturePresence(lhs, left, index.size, n);
      const extra = filtered(rhs, right, (base, i) => bits[base + i] === 0, n);
      // Both sides may hold the same labels at different steps: they make one series.
      const out = new SeriesCollector(n, ctx.limits);
      for (const s of [...lhs, ...extra]) out.add(s.labels, s.values, s.present, s.dropName);
      return out.finish();
    }
    default:
      throw internal(`${e.op} is not a set operator`);
  }
}
