import { className, typeName } from "./codes.ts";
import { encodeName, readName, WireError } from "./names.ts";
import { optText, renderRdata } from "./rdata.ts";

/**
 * DNS messages (RFC 1035 §4): a query encoder and a response decoder. Decoding follows
 * miekg/dns, the library behind blackbox_exporter: header counts are not trusted (a message
 * that ends at a record boundary simply has fewer records, as truncated UDP answers do), and
 * a record whose data does not fill its rdlength fails the whole message.
 */

/** Header flag bits (the second 16-bit word). */
export const Flags = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
} as const;

const HEADER_BYTES = 12;
const TYPE_OPT = 41;

/** A question: a name in presentation form (trailing dot), a type and a class. */
export interface Question {
  name: string;
  type: number;
  cls: number;
}

/** A decoded resource record; `text` is miekg/dns's `RR.String()`. */
export interface ResourceRecord {
  name: string;
  type: number;
  cls: number;
  ttl: number;
  text: string;
  /** The zone serial of an SOA record. */
  serial?: number;
}

/** A decoded message. */
export interface Message {
  id: number;
  /** The flags word with the rcode bits. */
  flags: number;
  /** The rcode, with the extended bits of an OPT record when there is one. */
  rcode: number;
  questions: Question[];
  answer: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
}

/** A record to encode; `data` is its wire-format rdata. */
export interface RecordInit {
  name: string;
  type: number;
  cls?: number;
  ttl?: number;
  data: Uint8Array;
}

/** A message to encode; counts follow the sections. */
export interface MessageInit {
  id: number;
  flags?: number;
  rcode?: number;
  questions?: Question[];
  answer?: RecordInit[];
  authority?: RecordInit[];
  additional?: RecordInit[];
}

/** Encodes a message without name compression (as miekg/dns sends queries). */
export function encodeMessage(m: MessageInit): Uint8Array {
  const questions = m.questions ?? [];
  const sections = [m.answer ?? [], m.authority ?? [], m.additional ?? []];
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint16(0, m.id);
  view.setUint16(2, ((m.flags ?? 0) & ~0xf) | ((m.rcode ?? 0) & 0xf));
  view.setUint16(4, questions.length);
  for (const [i, s] of sections.entries()) view.setUint16(6 + 2 * i, s.length);
  const parts: Uint8Array[] = [header];
  for (const q of questions) parts.push(encodeName(q.name), u16s(q.type, q.cls));
  for (const r of sections.flat()) {
    const fixed = new Uint8Array(10);
    const fv = new DataView(fixed.buffer);
    fv.setUint16(0, r.type);
    fv.setUint16(2, r.cls ?? 1);
    fv.setUint32(4, r.ttl ?? 0);
    fv.setUint16(8, r.data.length);
    parts.push(encodeName(r.name), fixed, r.data);
  }
  return new Uint8Array(Buffer.concat(parts));
}

/** A query with one question, as blackbox_exporter sends it (no EDNS, RD as configured). */
export function encodeQuery(id: number, question: Question, recursionDesired: boolean): Uint8Array {
  return encodeMessage({ id, flags: recursionDesired ? Flags.RD : 0, questions: [question] });
}

function u16s(a: number, b: number): Uint8Array {
  return Uint8Array.of(a >> 8, a & 0xff, b >> 8, b & 0xff);
}

/** Decodes a message; throws {@link WireError} when it is malformed. */
export function decodeMessage(msg: Uint8Array): Message {
  if (msg.length < HEADER_BYTES)
    throw new WireError(`Cannot decode DNS message: ${msg.length} bytes is shorter than a header`);
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const counts = [4, 6, 8, 10].map((at) => view.getUint16(at));
  const flags = view.getUint16(2);
  const out: Message = {
    id: view.getUint16(0),
    flags,
    rcode: flags & 0xf,
    questions: [],
    answer: [],
    authority: [],
    additional: [],
  };
  let pos = HEADER_BYTES;
  for (let i = 0; i < counts[0] && pos < msg.length; i++) {
    const { name, next } = readName(msg, pos);
    if (next + 4 > msg.length) throw new WireError("Cannot decode DNS question: it is cut short");
    out.questions.push({ name, type: view.getUint16(next), cls: view.getUint16(next + 2) });
    pos = next + 4;
  }
  const sections = [out.answer, out.authority, out.additional];
  for (let s = 0; s < 3; s++)
    for (let i = 0; i < counts[s + 1] && pos < msg.length; i++) {
      const { record, next } = readRecord(msg, view, pos);
      if (record.type === TYPE_OPT) out.rcode |= (record.ttl >>> 24) << 4;
      sections[s].push(record);
      pos = next;
    }
  return out;
}

function readRecord(
  msg: Uint8Array,
  view: DataView,
  pos: number,
): { record: ResourceRecord; next: number } {
  const { name, next } = readName(msg, pos);
  if (next + 10 > msg.length)
    throw new WireError("Cannot decode DNS record: its header is cut short");
  const type = view.getUint16(next);
  const cls = view.getUint16(next + 2);
  const ttl = view.getUint32(next + 4);
  const start = next + 10;
  const end = start + view.getUint16(next + 8);
  if (end > msg.length) throw new WireError("Cannot decode DNS record: bad rdlength");
  if (type === TYPE_OPT)
    return { record: { name, type, cls, ttl, text: optText(cls, ttl) }, next: end };
  const rdata = renderRdata(msg, type, start, end);
  const header = rdata.known
    ? `${name}\t${ttl}\t${className(cls)}\t${typeName(type)}\t`
    : `${name}\t${ttl}\tCLASS${cls}\tTYPE${type}\t`;
  const record: ResourceRecord = { name, type, cls, ttl, text: header + rdata.text };
  if (rdata.serial !== undefined) record.serial = rdata.serial;
  return { record, next: end };
}

/**
 * Whether a response's question (when it has one) is `asked`, whose name must be in
 * {@link canonicalName} form. Names compare case-insensitively: servers may echo either case.
 */
export function sameQuestion(asked: Question, got: Message): boolean {
  if (got.questions.length === 0) return true;
  const q = got.questions[0];
  return (
    q.type === asked.type &&
    q.cls === asked.cls &&
    q.name.toLowerCase() === asked.name.toLowerCase()
  );
}

/** A name as a decoded message writes it: trailing dot, escapes only where miekg/dns puts them. */
export function canonicalName(name: string): string {
  return readName(encodeName(name), 0).name;
}
