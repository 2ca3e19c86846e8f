import { lines } from "../read.ts";

/** TCP states by the kernel's number (include/net/tcp_states.h), as node_exporter names them. */
export const TCP_STATES = [
  "",
  "established",
  "syn_sent",
  "syn_recv",
  "fin_wait1",
  "fin_wait2",
  "time_wait",
  "close",
  "close_wait",
  "last_ack",
  "listen",
  "closing",
] as const;

/** Totals of one /proc/net/{tcp,udp}{,6} table. */
export interface SocketTableSum {
  /** Sockets by state number (index into TCP_STATES). */
  states: Float64Array;
  txQueue: number;
  rxQueue: number;
  sockets: number;
}

/**
 * Sums a /proc/net socket table: `sl local rem st tx_queue:rx_queue …`, numbers in hex. Parsed
 * by hand as a host with many connections has a line per socket, read every collection.
 */
export function sumSocketTable(text: string, path: string): SocketTableSum {
  const out: SocketTableSum = {
    states: new Float64Array(TCP_STATES.length),
    txQueue: 0,
    rxQueue: 0,
    sockets: 0,
  };
  const all = lines(text);
  for (let n = 1; n < all.length; n++) {
    const line = all[n];
    // Skip to the 4th field (st), then read "st tx:rx".
    let i = 0;
    for (let field = 0; field < 3; field++) i = nextField(line, i);
    const st = readHex(line, i, 32);
    const tx = readHex(line, st.end + 1, 58);
    const rx = readHex(line, tx.end + 1, 32);
    if (st.end < 0 || tx.end < 0 || rx.end < 0) {
      throw new SyntaxError(`Cannot parse ${path}: line ${n + 1} is not a socket entry`);
    }
    if (st.value < out.states.length) out.states[st.value]++;
    out.txQueue += tx.value;
    out.rxQueue += rx.value;
    out.sockets++;
  }
  return out;
}

/** The start of the field after the one at or after `i`. */
function nextField(line: string, i: number): number {
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  while (i < line.length && line.charCodeAt(i) !== 32) i++;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}

/** A hex number at `i` followed by char code `stop` (space or colon); end is -1 if there is none. */
function readHex(line: string, i: number, stop: number): { value: number; end: number } {
  let value = 0;
  let j = i;
  for (; j < line.length; j++) {
    const c = line.charCodeAt(j);
    const d =
      c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) break;
    value = value * 16 + d;
  }
  return { value, end: j > i && line.charCodeAt(j) === stop ? j : -1 };
}
