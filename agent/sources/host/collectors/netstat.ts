import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { fields, lines, parseNumber, readText, readTextIfExists } from "../read.ts";

/** node_exporter 1.5.0's default `--collector.netstat.fields`. */
export const NETSTAT_DEFAULT_FIELDS =
  /^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$/;

/** A counter the field filter lets through: its column, metric name and HELP. */
interface Field {
  index: number;
  name: string;
  help: string;
}

/** More distinct header lines than any kernel prints: past it the cache starts over. */
const CACHE_LIMIT = 256;

/**
 * node_exporter's `netstat` collector: the counters of /proc/net/netstat, /proc/net/snmp and
 * (when IPv6 is on) /proc/net/snmp6 whose `<Protocol>_<Name>` matches `fields`, as untyped
 * node_netstat_<Protocol>_<Name>. Which columns match is worked out once per distinct header
 * line, so a collection only splits lines and parses the numbers it writes.
 */
export function createNetstatCollector(
  fieldFilter: RegExp = NETSTAT_DEFAULT_FIELDS,
): HostCollector {
  const cache = new Map<string, readonly Field[]>();
  const select = (protocol: string, names: string[], first: number): readonly Field[] => {
    const key = names.join(" ");
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const selected: Field[] = [];
    for (let i = first; i < names.length; i++) {
      const f = makeField(protocol, names[i], i, fieldFilter);
      if (f) selected.push(f);
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, selected);
    return selected;
  };
  return {
    name: "netstat",
    collect(w: MetricWriter, ctx: CollectContext): void {
      for (const file of ["netstat", "snmp"]) {
        const path = `${ctx.paths.proc}/net/${file}`;
        writeTables(w, readTable(path), path, select);
      }
      const path = `${ctx.paths.proc}/net/snmp6`;
      const snmp6 = readTextIfExists(path);
      if (snmp6 !== null) writeSnmp6(w, snmp6, path, select);
    },
  };
}

/** The netstat collector with node_exporter's default field filter. */
export const netstatCollector: HostCollector = createNetstatCollector();

type Select = (protocol: string, names: string[], first: number) => readonly Field[];

function makeField(protocol: string, name: string, index: number, filter: RegExp): Field | null {
  const key = `${protocol}_${name}`;
  if (!filter.test(key)) return null;
  return { index, name: `node_netstat_${key}`, help: `Statistic ${protocol}${name}.` };
}

function readTable(path: string): string {
  try {
    return readText(path);
  } catch (err) {
    throw new Error(`Cannot read network statistics: ${(err as Error).message}`, { cause: err });
  }
}

/** netstat and snmp: pairs of lines, `Proto: Name1 Name2 …` then `Proto: 1 2 …`. */
function writeTables(w: MetricWriter, text: string, path: string, select: Select): void {
  const all = lines(text);
  for (let n = 0; n + 1 < all.length; n += 2) {
    const names = all[n].split(" ");
    const values = all[n + 1].split(" ");
    const protocol = names[0].slice(0, -1); // drops the colon
    if (names.length !== values.length) {
      throw new SyntaxError(`Cannot parse ${path}: ${protocol} has more names than values`);
    }
    for (const f of select(protocol, names, 1)) {
      w.family(f.name, "unknown", f.help);
      w.sample(f.name, [], parseNumber(values[f.index], path));
    }
  }
}

/** snmp6: one `Ip6InReceives   123` per line; the protocol ends at the first "6". */
function writeSnmp6(w: MetricWriter, text: string, path: string, select: Select): void {
  for (const line of lines(text)) {
    const f = fields(line);
    if (f.length < 2) continue;
    const six = f[0].indexOf("6");
    if (six < 0) continue;
    const protocol = f[0].slice(0, six + 1);
    const [field] = select(protocol, [protocol, f[0].slice(six + 1)], 1);
    if (field === undefined) continue;
    w.family(field.name, "unknown", field.help);
    w.sample(field.name, [], parseNumber(f[1], path));
  }
}
