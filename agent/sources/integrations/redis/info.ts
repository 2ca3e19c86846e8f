/** Parsing of Redis's `INFO` reply: `field:value` lines under `# Section` headers. */

/** INFO's fields by name; later duplicates win, as redis_exporter's loop does. */
export type Info = Map<string, string>;

/** Parses an INFO reply (CRLF or LF lines). Lines without a colon are skipped. */
export function parseInfo(text: string): Info {
  const out: Info = new Map();
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    out.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return out;
}

/** Parses a `k=v,k=v` value (keyspace, cmdstat_*, slaveN lines) into a map. */
export function parseKeyValues(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of value.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

/** A field as a number the way redis_exporter reads it: `ok`/`up` are 1, `err`/`down` 0. */
export function infoNumber(value: string): number {
  switch (value) {
    case "ok":
    case "up":
      return 1;
    case "err":
    case "fail":
    case "down":
      return 0;
  }
  const n = Number(value);
  return value.trim() === "" ? Number.NaN : n;
}
