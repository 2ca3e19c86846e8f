import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { lines, parseNumber, readText } from "../read.ts";

const NO_LABELS: string[] = [];

/**
 * Whether node_exporter 1.5 reports a /proc/vmstat field by default: its
 * `--collector.vmstat.fields` default `^(oom_kill|pgpg|pswp|pg.*fault).*`, written out.
 */
export function isDefaultVmstatField(name: string): boolean {
  return (
    name.startsWith("oom_kill") ||
    name.startsWith("pgpg") ||
    name.startsWith("pswp") ||
    (name.startsWith("pg") && name.indexOf("fault", 2) >= 0)
  );
}

/**
 * node_exporter's `vmstat` collector with its default fields: paging, swapping, page faults
 * and OOM kills from /proc/vmstat, as untyped `node_vmstat_<field>` (node_exporter's type).
 */
export class VmstatCollector implements HostCollector {
  readonly name = "vmstat";
  /** Metric name and HELP by field, or null for fields not reported; built once. */
  private readonly known = new Map<string, readonly [string, string] | null>();

  collect(w: MetricWriter, ctx: CollectContext): void {
    for (const line of lines(readText(`${ctx.paths.proc}/vmstat`))) {
      const space = line.indexOf(" ");
      if (space < 0) continue;
      const field = this.fieldOf(line.slice(0, space));
      if (field === null) continue;
      w.family(field[0], "unknown", field[1]);
      w.sample(field[0], NO_LABELS, parseNumber(line.slice(space + 1), "/proc/vmstat"));
    }
  }

  private fieldOf(name: string): readonly [string, string] | null {
    let field = this.known.get(name);
    if (field === undefined) {
      field = isDefaultVmstatField(name)
        ? [`node_vmstat_${name}`, `/proc/vmstat information field ${name}.`]
        : null;
      this.known.set(name, field);
    }
    return field;
  }
}
