import { decimalEscape, readName, WireError } from "./names.ts";

/**
 * Record data as text, exactly as miekg/dns's `RR.String()` prints it after the header:
 * blackbox_exporter matches its `validate_*_rrs` regexes against that text.
 */

/** Rendered record data; `serial` is set for SOA records. */
export interface Rdata {
  text: string;
  serial?: number;
}

/** Reads fields of one record's data, never past its end. */
class Fields {
  private pos: number;
  private readonly view: Uint8Array;

  constructor(
    msg: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
    // A name inside the data may point back into the message but must not run past the data.
    this.view = msg.subarray(0, end);
  }

  private need(n: number, what: string): number {
    if (this.pos + n > this.end) throw new WireError(`Cannot decode DNS record: ${what} overflows`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.view[this.need(1, "uint8")];
  }

  u16(): number {
    const at = this.need(2, "uint16");
    return (this.view[at] << 8) | this.view[at + 1];
  }

  u32(): number {
    const at = this.need(4, "uint32");
    return (
      ((this.view[at] << 24) |
        (this.view[at + 1] << 16) |
        (this.view[at + 2] << 8) |
        this.view[at + 3]) >>>
      0
    );
  }

  bytes(n: number): Uint8Array {
    const at = this.need(n, "data");
    return this.view.subarray(at, at + n);
  }

  name(): string {
    const { name, next } = readName(this.view, this.pos);
    this.pos = next;
    return name;
  }

  /** A length-prefixed character string, escaped as miekg/dns writes TXT strings. */
  string(): string {
    const len = this.u8();
    return quoteOctets(this.bytes(len));
  }

  rest(): Uint8Array {
    return this.bytes(this.end - this.pos);
  }

  done(): boolean {
    return this.pos >= this.end;
  }
}

/** Single-name types (NS, CNAME, PTR, DNAME and the obsolete mailbox ones). */
const NAME_TYPES = new Set([2, 3, 4, 5, 7, 8, 9, 12, 39]);
/** Preference + name types: MX, AFSDB, RT, KX. */
const PREF_NAME_TYPES = new Set([15, 18, 21, 36]);
/** Delegation signer types: DS, CDS, TA, DLV. */
const DS_TYPES = new Set([43, 59, 32768, 32769]);
/** Public key types: KEY, DNSKEY, CDNSKEY. */
const KEY_TYPES = new Set([25, 48, 60]);

/**
 * What miekg/dns prints for a known type with no data (rdlength 0): its zero-valued fields,
 * for instance "0 " for an MX record.
 */
const EMPTY = new Map<number, Rdata>([
  ...[1, 28, 16, 99, ...NAME_TYPES].map((t): [number, Rdata] => [t, { text: "" }]),
  ...[...PREF_NAME_TYPES].map((t): [number, Rdata] => [t, { text: "0 " }]),
  [6, { text: "  0 0 0 0 0", serial: 0 }],
  [33, { text: "0 0 0 " }],
  ...[...DS_TYPES, ...KEY_TYPES].map((t): [number, Rdata] => [t, { text: "0 0 0 " }]),
  [13, { text: '"" ""' }],
  [257, { text: '0  ""' }],
]);

/**
 * Renders the data of a record of `type` held in `msg[start, end)`. Types it does not know
 * are written in RFC 3597's generic form (`\# <len> <hex>`); `known` says which it was, since
 * miekg/dns then prints the header with CLASS<n>/TYPE<n> as well.
 */
export function renderRdata(
  msg: Uint8Array,
  type: number,
  start: number,
  end: number,
): Rdata & { known: boolean } {
  if (start === end && EMPTY.has(type)) return { ...(EMPTY.get(type) as Rdata), known: true };
  const f = new Fields(msg, start, end);
  const rdata = renderKnown(f, type);
  if (rdata === null) return { text: `\\# ${end - start} ${hex(f.rest())}`, known: false };
  if (!f.done()) throw new WireError("Cannot decode DNS record: bad rdlength");
  return { ...rdata, known: true };
}

function renderKnown(f: Fields, type: number): Rdata | null {
  if (NAME_TYPES.has(type)) return { text: f.name() };
  if (PREF_NAME_TYPES.has(type)) return { text: `${f.u16()} ${f.name()}` };
  if (DS_TYPES.has(type))
    return { text: `${f.u16()} ${f.u8()} ${f.u8()} ${hex(f.rest()).toUpperCase()}` };
  if (KEY_TYPES.has(type))
    return { text: `${f.u16()} ${f.u8()} ${f.u8()} ${Buffer.from(f.rest()).toString("base64")}` };
  switch (type) {
    case 1:
      return { text: f.bytes(4).join(".") };
    case 28:
      return { text: ipv6Text(f.bytes(16)) };
    case 6:
      return soa(f);
    case 13: // HINFO: cpu and os, printed as two TXT strings
      return { text: `${f.string()} ${f.string()}` };
    case 16: // TXT
    case 99: // SPF
      return { text: txt(f) };
    case 33:
      return { text: `${f.u16()} ${f.u16()} ${f.u16()} ${f.name()}` };
    case 257:
      return caa(f);
    default:
      return null;
  }
}

function soa(f: Fields): Rdata {
  const ns = f.name();
  const mbox = f.name();
  const serial = f.u32();
  const text = `${ns} ${mbox} ${serial} ${f.u32()} ${f.u32()} ${f.u32()} ${f.u32()}`;
  return { text, serial };
}

function txt(f: Fields): string {
  const parts: string[] = [];
  while (!f.done()) parts.push(f.string());
  return parts.join(" ");
}

function caa(f: Fields): Rdata {
  const flag = f.u8();
  const tag = escapeOctets(f.bytes(f.u8()));
  return { text: `${flag} ${tag} ${quoteOctets(f.rest())}` };
}

/** A character string in double quotes, escaped as {@link escapeOctets} does. */
function quoteOctets(bytes: Uint8Array): string {
  return `"${escapeOctets(bytes)}"`;
}

/** `"` and `\` escaped with a backslash, unprintable bytes as `\DDD`. */
function escapeOctets(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b < 0x20 || b > 0x7e) out += decimalEscape(b);
    else out += String.fromCharCode(b);
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/**
 * An IPv6 address as Go's net.IP prints it: IPv4-mapped addresses in dotted form, otherwise
 * lowercase groups with the longest run (first on ties) of two or more zero groups as `::`.
 */
export function ipv6Text(b: Uint8Array): string {
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (mapped) return b.subarray(12).join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j > i ? j : i + 1;
  }
  const hexOf = (gs: number[]) => gs.map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return hexOf(groups);
  return `${hexOf(groups.slice(0, bestStart))}::${hexOf(groups.slice(bestStart + bestLen))}`;
}

/**
 * An OPT pseudo-record (EDNS, RFC 6891) as miekg/dns prints it: a pseudo-section rather than
 * a record line. Its options are left out. Servers send one only to queries that carry one,
 * which blackbox_exporter's do not.
 */
export function optText(udpSize: number, ttl: number): string {
  const version = (ttl >>> 16) & 0xff;
  const flags = ttl & 0x8000 ? "do" : "";
  const mbz = ttl & 0x7fff ? `MBZ: 0x${(ttl & 0x7fff).toString(16).padStart(4, "0")}, ` : "";
  return `\n;; OPT PSEUDOSECTION:\n; EDNS: version ${version}; flags: ${flags}; ${mbz}udp: ${udpSize}`;
}
