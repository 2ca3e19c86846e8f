/**
 * Parsers of the kernel's socket tables: `/proc/net/tcp`, `/proc/net/tcp6` and
 * `/proc/net/unix`. Pure functions over the file text, so fixtures test them.
 */

/** A listening TCP socket: the address it is bound to, its port and its inode. */
export interface TcpListener {
  /** Dotted IPv4 or compressed IPv6 text (`0.0.0.0`, `::1`). */
  address: string;
  port: number;
  inode: number;
}

/** A listening Unix stream socket with a path in the file system. */
export interface UnixListener {
  path: string;
  inode: number;
}

/** `st` of a socket in LISTEN state in /proc/net/tcp{,6}. */
const TCP_LISTEN = "0A";
/** `__SO_ACCEPTCON` in the Flags column of /proc/net/unix: the socket listens. */
const SO_ACCEPTCON = 0x10000;
/** SOCK_STREAM in the Type column. */
const SOCK_STREAM = 1;

/** The listening sockets of a /proc/net/tcp or /proc/net/tcp6 table; other rows are skipped. */
export function parseTcpListeners(text: string): TcpListener[] {
  const out: TcpListener[] = [];
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].trim().split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode …
    if (f.length < 10 || f[3] !== TCP_LISTEN) continue;
    const colon = f[1].lastIndexOf(":");
    const port = Number.parseInt(f[1].slice(colon + 1), 16);
    const inode = Number(f[9]);
    if (!Number.isFinite(port) || !Number.isInteger(inode)) continue;
    out.push({ address: decodeAddress(f[1].slice(0, colon)), port, inode });
  }
  return out;
}

/** The listening stream sockets with a path (abstract ones start with @ and are kept as such). */
export function parseUnixListeners(text: string): UnixListener[] {
  const out: UnixListener[] = [];
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].trim().split(/\s+/);
    // Num RefCount Protocol Flags Type St Inode Path
    if (f.length < 8) continue;
    const flags = Number.parseInt(f[3], 16);
    if ((flags & SO_ACCEPTCON) === 0 || Number.parseInt(f[4], 16) !== SOCK_STREAM) continue;
    out.push({ path: f.slice(7).join(" "), inode: Number(f[6]) });
  }
  return out;
}

/** The kernel prints addresses as the in-memory words in hex: little-endian 32-bit groups. */
function decodeAddress(hex: string): string {
  if (hex.length === 8) return wordBytes(hex).join(".");
  const bytes: number[] = [];
  for (let w = 0; w < 32; w += 8) bytes.push(...wordBytes(hex.slice(w, w + 8)));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return bytes.slice(12).join("."); // IPv4-mapped: shown as IPv4, as the service sees it
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return compressIpv6(groups);
}

function wordBytes(word: string): number[] {
  const out: number[] = [];
  for (let i = 6; i >= 0; i -= 2) out.push(Number.parseInt(word.slice(i, i + 2), 16));
  return out;
}

/** RFC 5952 text: the longest run of two or more zero groups becomes `::`. */
function compressIpv6(groups: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}
