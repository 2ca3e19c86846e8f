/** ICMP echo messages: building a request and recognising its reply (RFC 792, RFC 4443). */

/** blackbox_exporter's payload, kept so that packet captures look the same. */
const PAYLOAD_TEXT = new TextEncoder().encode("Prometheus Blackbox Exporter");

const TYPES = {
  4: { request: 8, reply: 0 },
  6: { request: 128, reply: 129 },
} as const;

/** What identifies the reply to one echo request. */
export interface EchoKey {
  family: 4 | 6;
  /** A raw socket sees IPv4 headers and every host's ICMP traffic; the id must be checked. */
  raw: boolean;
  id: number;
  seq: number;
  payload: Uint8Array;
}

/**
 * The echo data blackbox_exporter sends: its name, or `size` bytes starting with as much of
 * the name as fits and zero-filled after it.
 */
export function echoPayload(size: number): Uint8Array {
  if (size === 0) return PAYLOAD_TEXT;
  const out = new Uint8Array(size);
  out.set(PAYLOAD_TEXT.subarray(0, size));
  return out;
}

/**
 * An echo request message. The checksum is filled in for IPv4 (raw sockets need it; the kernel
 * computes it for ICMPv6 and for datagram sockets, and datagram sockets replace the id).
 */
export function echoRequest(key: EchoKey): Uint8Array {
  const msg = new Uint8Array(8 + key.payload.length);
  msg[0] = TYPES[key.family].request;
  msg[4] = key.id >> 8;
  msg[5] = key.id & 0xff;
  msg[6] = key.seq >> 8;
  msg[7] = key.seq & 0xff;
  msg.set(key.payload, 8);
  if (key.family === 4) {
    const sum = checksum(msg);
    msg[2] = sum >> 8;
    msg[3] = sum & 0xff;
  }
  return msg;
}

/** The Internet checksum (RFC 1071) of `data`. */
export function checksum(data: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < data.length; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (data.length % 2 === 1) sum += data[data.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Where the ICMP message starts in a received datagram: after the IPv4 header on raw IPv4 sockets. */
export function icmpOffset(key: EchoKey, data: Uint8Array, length: number): number {
  if (!key.raw || key.family === 6) return 0;
  return length > 0 ? (data[0] & 0x0f) * 4 : length;
}

/**
 * Whether the first `length` bytes of `data` (as recvmsg returned them) are the reply to `key`:
 * type, code, sequence and data must match, and the id unless the kernel owns it (datagram
 * sockets), as blackbox_exporter compares them.
 */
export function isEchoReply(key: EchoKey, data: Uint8Array, length: number): boolean {
  const at = icmpOffset(key, data, length);
  if (length - at !== 8 + key.payload.length) return false;
  if (data[at] !== TYPES[key.family].reply || data[at + 1] !== 0) return false;
  if (key.raw && ((data[at + 4] << 8) | data[at + 5]) !== key.id) return false;
  if (((data[at + 6] << 8) | data[at + 7]) !== key.seq) return false;
  for (let i = 0; i < key.payload.length; i++) {
    if (data[at + 8 + i] !== key.payload[i]) return false;
  }
  return true;
}

/** The TTL field of an IPv4 header at the start of `data`. */
export function ipv4Ttl(data: Uint8Array): number {
  return data[8];
}
