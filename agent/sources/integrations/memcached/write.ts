/**
 * memcached_exporter's families from the four `stats` replies, as its Collect writes them:
 * a key the server does not report leaves its family out; a value that is not a number is
 * a parse error (the exporter then reports `memcached_up 0`, and so does this).
 */
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import { FamilyWriter } from "../family_writer.ts";
import {
  COMMANDS,
  GENERAL,
  ITEMS,
  type KeyFamily,
  LRU_FLAGS,
  LRU_HITS,
  LRU_SETTINGS,
  OPS,
  SLABS,
} from "./families.ts";

/** The replies of `stats`, `stats settings`, `stats items` and `stats slabs`. */
export interface MemcachedStats {
  stats: Map<string, string>;
  settings: Map<string, string>;
  items: Map<string, string>;
  slabs: Map<string, string>;
}

/** The exporter's `up` family. */
export const MEMCACHED_UP = {
  name: "memcached_up",
  help: "Could the memcached server be reached.",
};

/** A number, as Go's strconv.ParseFloat reads it; a SyntaxError naming the key otherwise. */
function num(stats: Map<string, string>, key: string): number | undefined {
  const v = stats.get(key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || Number.isNaN(n))
    throw new SyntaxError(
      `Cannot parse memcached stat ${key}: "${v.slice(0, 40)}" is not a number`,
    );
  return n;
}

/** `rusage_user 1.234567`: seconds and microseconds. */
function timeval(stats: Map<string, string>, key: string): number | undefined {
  const v = stats.get(key);
  if (v === undefined) return undefined;
  const m = /^(\d+)\.(\d+)$/.exec(v);
  if (!m) throw new SyntaxError(`Cannot parse memcached stat ${key}: "${v}" is not a timeval`);
  return Number(m[1]) + Number(m[2]) / 1e6;
}

function keyed(
  f: FamilyWriter,
  table: readonly KeyFamily[],
  s: Map<string, string>,
  prefix = "",
  labels: string[] = [],
): void {
  for (const [key, name, type, help] of table) {
    const v = num(s, prefix + key);
    if (v !== undefined) f.sample(name, type, help, labels, v);
  }
}

/** Writes one collection's families, `memcached_up 1` included. */
export function writeMemcached(w: MetricWriter, s: MemcachedStats): void {
  const f = new FamilyWriter(w);
  const version = s.stats.get("version") ?? "";
  f.sample(
    "memcached_version",
    "gauge",
    "The version of this memcached server.",
    ["version", version],
    1,
  );
  writeCommands(f, s.stats, COMMANDS.name, COMMANDS.help, "", []);
  for (const [key, name, help] of [
    [
      "rusage_user",
      "memcached_process_user_cpu_seconds_total",
      "Accumulated user time for this process.",
    ],
    [
      "rusage_system",
      "memcached_process_system_cpu_seconds_total",
      "Accumulated system time for this process.",
    ],
  ] as const) {
    const v = timeval(s.stats, key);
    if (v !== undefined) f.sample(name, "counter", help, [], v);
  }
  keyed(f, GENERAL, s.stats);
  writeSettings(f, s.settings);
  for (const slab of slabIds(s.items, /^items:(\d+):/)) writeItems(f, s.items, slab);
  for (const slab of slabIds(s.slabs, /^(\d+):/)) writeSlab(f, s.slabs, slab);
  w.family(MEMCACHED_UP.name, "gauge", MEMCACHED_UP.help);
  w.sample(MEMCACHED_UP.name, [], 1);
}

/** `<op>_hits` / `<op>_misses`, `cas_badval`, `cmd_flush`, and `set` (cmd_set less cas). */
function writeCommands(
  f: FamilyWriter,
  s: Map<string, string>,
  name: string,
  help: string,
  prefix: string,
  slab: string[],
): void {
  const add = (key: string, command: string, status: string) => {
    const v = num(s, prefix + key);
    if (v !== undefined)
      f.sample(name, "counter", help, [...slab, "command", command, "status", status], v);
  };
  for (const op of OPS) {
    add(`${op}_hits`, op, "hit");
    if (slab.length === 0) add(`${op}_misses`, op, "miss");
  }
  add("cas_badval", "cas", "badval");
  if (slab.length === 0) add("cmd_flush", "flush", "hit");
  // memcached counts cas commands in cmd_set too; per slab it has no cas_misses.
  const casKeys =
    slab.length === 0 ? ["cas_misses", "cas_hits", "cas_badval"] : ["cas_hits", "cas_badval"];
  const set = num(s, `${prefix}cmd_set`);
  const cas = casKeys.map((k) => num(s, prefix + k));
  if (set !== undefined && cas.every((v) => v !== undefined)) {
    const sum = cas.reduce((a, b) => (a ?? 0) + (b ?? 0), 0) ?? 0;
    f.sample(name, "counter", help, [...slab, "command", "set", "status", "hit"], set - sum);
  }
}

function writeSettings(f: FamilyWriter, s: Map<string, string>): void {
  const max = num(s, "maxconns");
  if (max !== undefined)
    f.sample("memcached_max_connections", "gauge", "Maximum number of clients allowed.", [], max);
  if (s.get("lru_crawler") !== "yes") return;
  for (const [key, name, type, help] of LRU_FLAGS) {
    const v = s.get(key);
    if (v === undefined) continue;
    if (v !== "yes" && v !== "no")
      throw new SyntaxError(`Cannot parse memcached setting ${key}: "${v}" is not yes or no`);
    f.sample(name, type, help, [], v === "yes" ? 1 : 0);
  }
  keyed(f, LRU_SETTINGS, s);
}

function writeItems(f: FamilyWriter, s: Map<string, string>, slab: string): void {
  const prefix = `items:${slab}:`;
  keyed(f, ITEMS, s, prefix, ["slab", slab]);
  for (const [key, lru] of LRU_HITS.keys) {
    const v = num(s, prefix + key);
    if (v !== undefined)
      f.sample(LRU_HITS.name, "counter", LRU_HITS.help, ["slab", slab, "lru", lru], v);
  }
}

function writeSlab(f: FamilyWriter, s: Map<string, string>, slab: string): void {
  writeCommands(f, s, COMMANDS.slab, COMMANDS.slabHelp, `${slab}:`, ["slab", slab]);
  keyed(f, SLABS, s, `${slab}:`, ["slab", slab]);
}

/** The slab class ids a reply names, in ascending order. */
function slabIds(s: Map<string, string>, re: RegExp): string[] {
  const ids = new Set<number>();
  for (const k of s.keys()) {
    const m = re.exec(k);
    if (m) ids.add(Number(m[1]));
  }
  return [...ids].sort((a, b) => a - b).map(String);
}
