import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { fields, isDigits, lines, parseNumber, readText } from "../read.ts";

const NAME = "node_interrupts_total";

/** One line of /proc/interrupts. */
interface Interrupt {
  counts: string[];
  info: string;
  devices: string;
}

/**
 * Parses /proc/interrupts as node_exporter does: a header with one column per CPU, then a line
 * per source: `NAME: count… details`. A numbered IRQ's details are its controller (`info`) then
 * its `devices`; a named one's (`LOC`, `NMI`) are all `info`. Lines with no details (`ERR`,
 * `MIS`) are left out, and a later line of the same name wins.
 */
export function parseInterrupts(text: string, path: string): Map<string, Interrupt> {
  const all = lines(text);
  if (all.length === 0) throw new SyntaxError(`Cannot parse ${path}: it is empty`);
  const cpus = fields(all[0]).length;
  const out = new Map<string, Interrupt>();
  for (let n = 1; n < all.length; n++) {
    const parts = fields(all[n]);
    if (parts.length < cpus + 2) continue;
    const name = parts[0].slice(0, -1);
    const numbered = isDigits(name, 0, name.length);
    out.set(name, {
      counts: parts.slice(1, cpus + 1),
      info: numbered ? parts[cpus + 1] : parts.slice(cpus + 1).join(" "),
      devices: numbered ? parts.slice(cpus + 2).join(" ") : "",
    });
  }
  return out;
}

/**
 * node_exporter's `interrupts` collector (off by default there and here: it writes CPUs ×
 * interrupt sources series): per-CPU interrupt counts from /proc/interrupts.
 */
export const interruptsCollector: HostCollector = {
  name: "interrupts",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const path = `${ctx.paths.proc}/interrupts`;
    w.family(NAME, "counter", "Interrupt details.");
    for (const [type, irq] of parseInterrupts(readText(path), path)) {
      irq.counts.forEach((count, cpu) => {
        const labels = ["cpu", String(cpu), "devices", irq.devices, "info", irq.info, "type", type];
        w.sample(NAME, labels, parseNumber(count, path));
      });
    }
  },
};
