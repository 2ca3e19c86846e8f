import { readFileSync } from "node:fs";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { isDigits, lines, readTextIfExists } from "../read.ts";

/** The per-protocol keys procfs knows; any other key in the file is ignored, as in 1.5.0. */
const KEYS = new Set(["inuse", "orphan", "tw", "alloc", "mem", "memory"]);
/** auxv entry type of the page size (AT_PAGESZ in <elf.h>). */
const AT_PAGESZ = 6n;
const USED_HELP = "Number of IPv4 sockets in use.";

/**
 * node_exporter's `sockstat` collector: socket counts per protocol and state from
 * /proc/net/sockstat and /proc/net/sockstat6 (either may be missing when IPv4 or IPv6 is off),
 * as node_sockstat_<PROTOCOL>_<key>, plus node_sockstat_sockets_used and, for protocols whose
 * `mem` is counted in pages, <PROTOCOL>_mem_bytes.
 */
export const sockstatCollector: HostCollector = {
  name: "sockstat",
  collect(w: MetricWriter, ctx: CollectContext): void {
    for (const file of ["sockstat", "sockstat6"]) {
      const path = `${ctx.paths.proc}/net/${file}`;
      const text = readTextIfExists(path);
      if (text !== null) for (const line of lines(text)) writeLine(w, line, path, file);
    }
  },
};

/** One line: `PROTO: key value key value …`, or `sockets: used N`. */
function writeLine(w: MetricWriter, line: string, path: string, file: string): void {
  const parts = line.split(" ");
  if (parts.length < 3 || parts.length % 2 === 0) {
    throw new SyntaxError(`Cannot parse ${path}: malformed line "${line}"`);
  }
  const protocol = parts[0].endsWith(":") ? parts[0].slice(0, -1) : parts[0];
  let inuse = false;
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i];
    const value = parseCount(parts[i + 1], path);
    if (protocol === "sockets") {
      // 1.5.0 takes the IPv4 count only; sockstat6 has no such line today.
      if (key === "used" && file === "sockstat")
        write(w, "node_sockstat_sockets_used", USED_HELP, value);
    } else if (KEYS.has(key)) {
      inuse ||= key === "inuse";
      write(w, `node_sockstat_${protocol}_${key}`, helpOf(protocol, key), value);
      if (key === "mem") {
        const name = `node_sockstat_${protocol}_mem_bytes`;
        write(w, name, helpOf(protocol, "mem_bytes"), value * pageSize());
      }
    }
  }
  // procfs reports inuse for every protocol, as 0 when the line lacks it.
  if (protocol !== "sockets" && !inuse) {
    write(w, `node_sockstat_${protocol}_inuse`, helpOf(protocol, "inuse"), 0);
  }
}

function helpOf(protocol: string, key: string): string {
  return `Number of ${protocol} sockets in state ${key}.`;
}

function write(w: MetricWriter, name: string, help: string, value: number): void {
  w.family(name, "gauge", help);
  w.sample(name, [], value);
}

function parseCount(text: string, path: string): number {
  if (!isDigits(text, 0, text.length)) {
    throw new SyntaxError(`Cannot parse ${path}: "${text}" is not a count`);
  }
  return Number(text);
}

let cachedPageSize = 0;

/** The kernel's page size, from this process's ELF auxiliary vector (4096 if unreadable). */
export function pageSize(): number {
  if (cachedPageSize === 0) cachedPageSize = readPageSize();
  return cachedPageSize;
}

function readPageSize(): number {
  try {
    const auxv = readFileSync("/proc/self/auxv");
    // 64-bit entries: a type word then a value word, little-endian on x86-64 and arm64.
    for (let off = 0; off + 16 <= auxv.length; off += 16) {
      if (auxv.readBigUInt64LE(off) === AT_PAGESZ) return Number(auxv.readBigUInt64LE(off + 8));
    }
  } catch {
    // Fall through to the common default.
  }
  return 4096;
}
