/**
 * The names blackbox_exporter accepts for query types, classes and rcodes: miekg/dns's
 * StringToType, StringToClass and StringToRcode tables (case-sensitive, as there).
 */

/** Query and record type numbers by name. */
// biome-ignore format: a table reads better packed
export const TYPES: Readonly<Record<string, number>> = {
  None: 0, A: 1, NS: 2, MD: 3, MF: 4, CNAME: 5, SOA: 6, MB: 7, MG: 8, MR: 9, NULL: 10,
  PTR: 12, HINFO: 13, MINFO: 14, MX: 15, TXT: 16, RP: 17, AFSDB: 18, X25: 19, ISDN: 20,
  RT: 21, "NSAP-PTR": 23, SIG: 24, KEY: 25, PX: 26, GPOS: 27, AAAA: 28, LOC: 29, NXT: 30,
  EID: 31, NIMLOC: 32, SRV: 33, ATMA: 34, NAPTR: 35, KX: 36, CERT: 37, DNAME: 39, OPT: 41,
  APL: 42, DS: 43, SSHFP: 44, RRSIG: 46, NSEC: 47, DNSKEY: 48, DHCID: 49, NSEC3: 50,
  NSEC3PARAM: 51, TLSA: 52, SMIMEA: 53, HIP: 55, NINFO: 56, RKEY: 57, TALINK: 58, CDS: 59,
  CDNSKEY: 60, OPENPGPKEY: 61, CSYNC: 62, ZONEMD: 63, SVCB: 64, HTTPS: 65, SPF: 99,
  UINFO: 100, UID: 101, GID: 102, UNSPEC: 103, NID: 104, L32: 105, L64: 106, LP: 107,
  EUI48: 108, EUI64: 109, TKEY: 249, TSIG: 250, IXFR: 251, AXFR: 252, MAILB: 253,
  MAILA: 254, ANY: 255, URI: 256, CAA: 257, AVC: 258, TA: 32768, DLV: 32769, Reserved: 65535,
};

/** Class numbers by name. */
export const CLASSES: Readonly<Record<string, number>> = {
  IN: 1,
  CS: 2,
  CH: 3,
  HS: 4,
  NONE: 254,
  ANY: 255,
};

/** Response codes by name (BADVERS shares 16 with BADSIG and is not accepted, as in miekg/dns). */
// biome-ignore format: a table reads better packed
export const RCODES: Readonly<Record<string, number>> = {
  NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, NOTIMPL: 4, REFUSED: 5,
  YXDOMAIN: 6, YXRRSET: 7, NXRRSET: 8, NOTAUTH: 9, NOTZONE: 10, BADSIG: 16, BADKEY: 17,
  BADTIME: 18, BADMODE: 19, BADNAME: 20, BADALG: 21, BADTRUNC: 22, BADCOOKIE: 23,
};

const typeNames = invert(TYPES);
const classNames = invert(CLASSES);
const rcodeNames = invert(RCODES, "NOTIMPL");

/** A type's name as miekg/dns prints it in a record: its mnemonic, else `TYPE<n>`. */
export function typeName(type: number): string {
  return typeNames.get(type) ?? `TYPE${type}`;
}

/** A class's name as miekg/dns prints it in a record: its mnemonic, else `CLASS<n>`. */
export function className(cls: number): string {
  return classNames.get(cls) ?? `CLASS${cls}`;
}

/** An rcode's name for log lines. */
export function rcodeName(rcode: number): string {
  return rcodeNames.get(rcode) ?? String(rcode);
}

function invert(table: Readonly<Record<string, number>>, skip?: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const [name, n] of Object.entries(table)) if (name !== skip && !out.has(n)) out.set(n, name);
  return out;
}
