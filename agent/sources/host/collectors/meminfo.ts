import type { MetricType } from "../../../../shared/model/sample.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { fields, lines, parseNumber, readText } from "../read.ts";

/** The family one /proc/meminfo key becomes. */
interface MeminfoField {
  metric: string;
  help: string;
  type: MetricType;
  /** The value is in kB and reported in bytes. */
  kb: boolean;
}

const NO_LABELS: string[] = [];

/**
 * The name node_exporter gives a /proc/meminfo key: `Active(anon)` becomes `Active_anon` (the
 * text from the first `(` to the last `)` turns into `_` plus what was inside), and a value
 * with a unit (always kB) gets `_bytes`.
 */
export function meminfoName(key: string, hasUnit: boolean): string {
  const open = key.indexOf("(");
  const close = key.lastIndexOf(")");
  if (open >= 0 && close > open) {
    key = `${key.slice(0, open)}_${key.slice(open + 1, close)}${key.slice(close + 1)}`;
  }
  return hasUnit ? `${key}_bytes` : key;
}

/**
 * node_exporter's `meminfo` collector: every /proc/meminfo line as `node_memory_<name>`, kB
 * values times 1024. All are gauges but names ending in `_total`, which node_exporter types as
 * counters (none does on current kernels: `HugePages_Total` has a capital T).
 */
export class MeminfoCollector implements HostCollector {
  readonly name = "meminfo";
  /** Names and HELP by raw line key: built once, as kernels do not change keys at run time. */
  private readonly known = new Map<string, MeminfoField>();

  collect(w: MetricWriter, ctx: CollectContext): void {
    // A key seen twice keeps its last value, as node_exporter's map does.
    const values = new Map<MeminfoField, number>();
    for (const line of lines(readText(`${ctx.paths.proc}/meminfo`))) {
      const f = fields(line);
      if (f.length === 0) continue; // some CentOS kernels print empty lines
      if (f.length > 3) throw new SyntaxError(`Cannot parse /proc/meminfo: bad line "${line}"`);
      const field = this.fieldOf(f[0], f.length === 3);
      const v = parseNumber(f[1] ?? "", "/proc/meminfo");
      values.set(field, field.kb ? v * 1024 : v);
    }
    for (const [field, v] of values) {
      w.family(field.metric, field.type, field.help);
      w.sample(field.metric, NO_LABELS, v);
    }
  }

  private fieldOf(rawKey: string, kb: boolean): MeminfoField {
    const cacheKey = kb ? `${rawKey} kB` : rawKey;
    let field = this.known.get(cacheKey);
    if (!field) {
      const name = meminfoName(rawKey.slice(0, -1), kb);
      field = {
        metric: `node_memory_${name}`,
        help: `Memory information field ${name}.`,
        type: name.endsWith("_total") ? "counter" : "gauge",
        kb,
      };
      this.known.set(cacheKey, field);
    }
    return field;
  }
}
