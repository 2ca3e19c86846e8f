/** Messages between the ICMP prober (main thread) and its worker thread. */

/** One echo to send and wait for. */
export interface PingRequest {
  family: 4 | 6;
  /** The resolved target: an IP literal, with a zone for link-local IPv6. */
  address: string;
  /** `source_ip_address`, when set. */
  source?: string;
  ttl: number;
  payloadSize: number;
  dontFragment: boolean;
}

/** How a ping ended. */
export interface PingResult {
  /**
   * `denied`: no ICMP socket may be opened (no ping_group_range membership, no CAP_NET_RAW);
   * `unavailable`: the agent cannot ping at all (no libc, no worker). Neither says anything
   * about the target.
   */
  outcome: "reply" | "timeout" | "denied" | "unavailable" | "error";
  /** Seconds spent opening the socket and building the request. */
  setupSeconds: number;
  /** Seconds from sending to the matching reply; 0 without a reply. */
  rttSeconds: number;
  /** TTL / hop limit of the reply, -1 when unknown. */
  hopLimit: number;
  /** Whether a raw socket was used (the datagram socket was not allowed). */
  raw: boolean;
  /** Why it failed, for `denied`, `unavailable` and `error`. */
  message?: string;
}

/** Main thread → worker. `posted` counts messages sent, so the worker knows one is on its way. */
export type ToWorker =
  | { type: "init"; wakeFd: number; posted: Int32Array }
  | { type: "ping"; id: number; request: PingRequest; maxWaitMs: number }
  | { type: "cancel"; id: number };

/** Worker → main thread: `sent` once the request is out, then `done` exactly once. */
export type FromWorker =
  | { type: "sent"; id: number; setupSeconds: number; raw: boolean }
  | { type: "done"; id: number; result: PingResult };
