/**
 * Domain names on the wire (RFC 1035 §3.1, §4.1.4) and in text, written the way Go's
 * miekg/dns prints them, because blackbox_exporter's answer regexes match that text.
 */

/** Thrown when a message cannot be decoded; the probe fails with its message. */
export class WireError extends SyntaxError {}

const MAX_NAME_OCTETS = 255;
const MAX_LABEL_OCTETS = 63;
// Enough for any legal name (every pointer adds at least one label); more means a loop.
const MAX_POINTERS = 126;

/** A name read from a message: its text and the offset just after it where it was written. */
export interface ReadName {
  name: string;
  next: number;
}

/**
 * Reads the (possibly compressed) name at `offset`, as miekg/dns prints it: labels joined by
 * dots with a trailing dot, the root as ".", special and unprintable bytes escaped.
 */
export function readName(msg: Uint8Array, offset: number): ReadName {
  let text = "";
  let octets = 1;
  let pos = offset;
  let next = -1;
  for (let pointers = 0; ; ) {
    if (pos >= msg.length)
      throw new WireError("Cannot decode DNS name: the message ends inside it");
    const len = msg[pos];
    if (len === 0) break;
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= msg.length)
        throw new WireError("Cannot decode DNS name: the message ends inside a pointer");
      if (++pointers > MAX_POINTERS)
        throw new WireError("Cannot decode DNS name: too many compression pointers");
      if (next < 0) next = pos + 2;
      pos = ((len & 0x3f) << 8) | msg[pos + 1];
      continue;
    }
    if (kind !== 0)
      throw new WireError(`Cannot decode DNS name: label type 0x${kind.toString(16)}`);
    if (pos + 1 + len > msg.length)
      throw new WireError("Cannot decode DNS name: the message ends inside a label");
    octets += len + 1;
    if (octets > MAX_NAME_OCTETS)
      throw new WireError("Cannot decode DNS name: longer than 255 octets");
    text += `${escapeLabel(msg, pos + 1, len)}.`;
    pos += len + 1;
  }
  return { name: text === "" ? "." : text, next: next < 0 ? pos + 1 : next };
}

/** Bytes that miekg/dns escapes with a backslash inside a label. */
function isLabelSpecial(b: number): boolean {
  // . space ' @ ; ( ) " \
  return (
    b === 0x2e ||
    b === 0x20 ||
    b === 0x27 ||
    b === 0x40 ||
    b === 0x3b ||
    b === 0x28 ||
    b === 0x29 ||
    b === 0x22 ||
    b === 0x5c
  );
}

function escapeLabel(msg: Uint8Array, start: number, len: number): string {
  let out = "";
  for (let i = start; i < start + len; i++) {
    const b = msg[i];
    if (isLabelSpecial(b)) out += `\\${String.fromCharCode(b)}`;
    else if (b < 0x20 || b > 0x7e) out += decimalEscape(b);
    else out += String.fromCharCode(b);
  }
  return out;
}

/** `\DDD`: a byte as three decimal digits, miekg/dns's escape for unprintable bytes. */
export function decimalEscape(b: number): string {
  return `\\${b.toString().padStart(3, "0")}`;
}

/**
 * Encodes a name in presentation format (`www.example.com`, with `\.` and `\DDD` escapes; a
 * trailing dot optional, as miekg/dns's Fqdn adds it) as uncompressed wire labels.
 */
export function encodeName(name: string): Uint8Array {
  const labels = splitLabels(name);
  const size = labels.reduce((n, l) => n + l.length + 1, 1);
  if (size > MAX_NAME_OCTETS)
    throw new SyntaxError(`Cannot encode DNS name "${name}": longer than 255 octets`);
  const out = new Uint8Array(size);
  let pos = 0;
  for (const label of labels) {
    out[pos++] = label.length;
    out.set(label, pos);
    pos += label.length;
  }
  return out;
}

/** The labels of a presentation-format name as bytes, escapes undone; [] for the root. */
function splitLabels(name: string): Uint8Array[] {
  if (name === "" || name === ".") return [];
  const bytes = new TextEncoder().encode(name);
  const labels: Uint8Array[] = [];
  let label: number[] = [];
  const end = (last: boolean) => {
    if (label.length === 0 && !last)
      throw new SyntaxError(`Cannot encode DNS name "${name}": it has an empty label`);
    if (label.length > MAX_LABEL_OCTETS)
      throw new SyntaxError(`Cannot encode DNS name "${name}": a label is longer than 63 octets`);
    if (label.length > 0) labels.push(Uint8Array.from(label));
    label = [];
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x2e) {
      end(false);
    } else if (b === 0x5c) {
      if (i + 1 >= bytes.length)
        throw new SyntaxError(`Cannot encode DNS name "${name}": it ends with a backslash`);
      const ddd = decimalAt(bytes, i + 1);
      if (ddd >= 0) {
        label.push(ddd);
        i += 3;
      } else label.push(bytes[++i]);
    } else label.push(b);
  }
  end(true);
  return labels;
}

/** The value of three decimal digits at `pos` when they form a byte, else -1. */
function decimalAt(bytes: Uint8Array, pos: number): number {
  if (pos + 3 > bytes.length) return -1;
  let v = 0;
  for (let i = pos; i < pos + 3; i++) {
    if (bytes[i] < 0x30 || bytes[i] > 0x39) return -1;
    v = v * 10 + bytes[i] - 0x30;
  }
  return v <= 255 ? v : -1;
}
