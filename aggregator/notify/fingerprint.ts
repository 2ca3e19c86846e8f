/**
 * Alertmanager's fingerprint of a label set (Prometheus's `model.LabelSet.Fingerprint`):
 * FNV-1a 64 over the label names in byte order, each name and value followed by the byte
 * 0xff, printed as 16 hex digits. Alerts are keyed and shown by it.
 *
 * Every received alert is fingerprinted (10,000 per re-send in the notifier's bench), so
 * `fingerprint()` works on two 32-bit halves and reads ASCII strings without encoding them;
 * `fingerprintReference()` is the plain BigInt version the tests hold it to.
 */
import type { LabelSet } from "./route/route.ts";

const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const SEPARATOR = 0xff;
const encoder = new TextEncoder();

/** Compares strings by their UTF-8 bytes, as Go sorts label names. */
function byteOrder(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** The fingerprint of `labels` as 16 lower-case hex digits, with BigInt arithmetic. */
export function fingerprintReference(labels: LabelSet): string {
  const names = Object.keys(labels).sort(byteOrder);
  if (names.length === 0) return OFFSET.toString(16).padStart(16, "0");
  let h = OFFSET;
  const add = (byte: number) => {
    h = ((h ^ BigInt(byte)) * PRIME) & MASK;
  };
  for (const name of names) {
    for (const b of encoder.encode(name)) add(b);
    add(SEPARATOR);
    for (const b of encoder.encode(labels[name])) add(b);
    add(SEPARATOR);
  }
  return h.toString(16).padStart(16, "0");
}

const ASCII = /^[\x00-\x7f]*$/;
/** The low 32 bits of FNV's prime (its high part, 1 << 8 in the high word, is a shift). */
const PRIME_LOW = 0x1b3;
const TWO_32 = 0x1_0000_0000;

/** The FNV-1a 64 state as two unsigned 32-bit halves. */
class Fnv64 {
  hi = 0xcbf29ce4;
  lo = 0x84222325;

  /** Mixes one byte in: xor, then multiply by 2^40 + 0x1b3 modulo 2^64. */
  add(byte: number): void {
    const lo = (this.lo ^ byte) >>> 0;
    const product = lo * PRIME_LOW; // below 2^41: exact
    const carry = Math.floor(product / TWO_32);
    this.lo = product >>> 0;
    this.hi = (Math.imul(this.hi, PRIME_LOW) + carry + (lo << 8)) >>> 0;
  }

  /** Mixes a string's UTF-8 bytes in, then the separator. */
  addString(s: string): void {
    if (ASCII.test(s)) for (let i = 0; i < s.length; i++) this.add(s.charCodeAt(i));
    else for (const b of encoder.encode(s)) this.add(b);
    this.add(SEPARATOR);
  }

  hex(): string {
    return this.hi.toString(16).padStart(8, "0") + this.lo.toString(16).padStart(8, "0");
  }
}

/** The fingerprint of `labels` as 16 lower-case hex digits. */
export function fingerprint(labels: LabelSet): string {
  const names = Object.keys(labels);
  // UTF-16 order is byte order for ASCII names (all valid label names are).
  if (names.every((n) => ASCII.test(n))) names.sort();
  else names.sort(byteOrder);
  const h = new Fnv64();
  for (const name of names) {
    h.addString(name);
    h.addString(labels[name]);
  }
  return h.hex();
}
