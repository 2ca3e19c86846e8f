/**
 * Alertmanager's fingerprint of a label set (Prometheus's `model.LabelSet.Fingerprint`):
 * FNV-1a 64 over the label names in byte order, each name and value followed by the byte
 * 0xff, printed as 16 hex digits. Alerts are keyed and shown by it.
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

/** The fingerprint of `labels` as 16 lower-case hex digits. */
export function fingerprint(labels: LabelSet): string {
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
