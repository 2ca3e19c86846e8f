/**
 * The agent's NATS connection, kept alive for as long as the agent runs: the first connect is
 * retried until NATS is reachable (nats.js's `waitOnFirstConnect` would do that too, but its
 * dial loop cannot be cancelled, so an agent stopped while NATS is down would hang), and later
 * losses are left to nats.js's endless reconnects. Transitions are logged once each.
 */

import { readFileSync } from "node:fs";
import {
  type ConnectionOptions,
  connect,
  credsAuthenticator,
  ErrorCode,
  Events,
  type JetStreamClient,
  type NatsConnection,
} from "nats";
import { logger } from "../../../shared/log/log.ts";
import type { Metric } from "../../../shared/metrics/registry.ts";
import { closeNats } from "../../../shared/nats/close.ts";
import { nkeyFileAuthenticator } from "../../../shared/nats/nkey.ts";
import { within } from "../../../shared/runtime/deadline.ts";
import type { NatsConfig } from "../../config/schema.ts";

const log = logger("nats-connection");

/** Options of the connection. */
export interface NatsLinkOptions {
  nats: NatsConfig;
  /** Connection name shown by the server's monitoring. */
  name: string;
  /** Delay between reconnect attempts, and the cap of the first connect's retry delay. */
  reconnectWaitMs: number;
  /** Gauge set to 1 while connected. */
  connectedGauge: Metric;
  /** Called on every transition between connected and not. */
  onChange: (connected: boolean) => void;
  /**
   * Prefix of the connection's reply subjects (PubAcks). An enrolled agent may subscribe only
   * below its own prefix, so it cannot read replies meant for aggregators (docs/auth.md).
   */
  inboxPrefix?: string;
}

/** One NATS connection that comes back by itself after every loss. */
export class NatsLink {
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private up = false;
  private closing = false;
  private retry: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private refusedLogged = false;

  constructor(private readonly opts: NatsLinkOptions) {
    opts.connectedGauge.set(0);
  }

  /** Whether the connection is up right now. */
  get connected(): boolean {
    return this.up;
  }

  /** The current connection, if one was made (it may be reconnecting). */
  get connection(): NatsConnection | null {
    return this.nc;
  }

  /** A JetStream client on the current connection. */
  get jetstream(): JetStreamClient | null {
    return this.js;
  }

  /** Starts connecting in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Drains the connection when a server is there to drain to, otherwise closes it. */
  async close(): Promise<void> {
    this.closing = true;
    this.retry?.abort();
    const nc = this.nc;
    if (nc && !nc.isClosed()) {
      // drain() waits for a server: without one, close() is the way out.
      if (this.up) await closeNats(nc, 2_000);
      else await nc.close();
    }
    // A connect attempt still under way is not waited for: it closes what it gets.
    await within(1_000, this.loop ?? Promise.resolve());
  }

  private async run(): Promise<void> {
    for (let attempt = 1; !this.closing; attempt++) {
      let nc: NatsConnection;
      try {
        nc = await connect(this.connectOptions());
      } catch (err) {
        if (attempt === 1) {
          log.warn("Cannot connect to NATS: retrying until it is reachable", {
            error: String(err),
          });
        }
        await this.pause(Math.min(this.opts.reconnectWaitMs, 100 * 2 ** attempt));
        continue;
      }
      attempt = 0;
      if (this.closing) {
        await nc.close();
        return;
      }
      this.attach(nc);
      const err = await nc.closed();
      this.set(false);
      this.nc = this.js = null;
      if (!this.closing)
        log.error("NATS connection closed: connecting again", { error: String(err) });
    }
  }

  private connectOptions(): ConnectionOptions {
    const n = this.opts.nats;
    const creds = n.creds_file;
    const nkey = n.nkey_file;
    return {
      servers: n.url,
      name: this.opts.name,
      user: n.user,
      pass: n.password,
      token: n.token,
      tls: n.tls && { caFile: n.tls.ca_file, certFile: n.tls.cert_file, keyFile: n.tls.key_file },
      // Read on every connect, so rotated credentials are picked up.
      authenticator: creds
        ? credsAuthenticator(() => readFileSync(creds))
        : nkey
          ? nkeyFileAuthenticator(nkey)
          : undefined,
      inboxPrefix: this.opts.inboxPrefix,
      maxReconnectAttempts: -1,
      reconnectTimeWait: this.opts.reconnectWaitMs,
      // A credentials problem may be fixed on the server side: keep trying.
      ignoreAuthErrorAbort: true,
      timeout: 5_000,
    };
  }

  private attach(nc: NatsConnection): void {
    this.nc = nc;
    this.js = nc.jetstream({ timeout: this.opts.nats.publish_timeout });
    this.set(true);
    (async () => {
      for await (const s of nc.status()) {
        if (s.type === Events.Disconnect) this.set(false);
        if (s.type === Events.Reconnect) this.set(true);
        if (s.type === Events.Error && s.data === ErrorCode.AuthorizationViolation) this.refused();
      }
    })();
  }

  // Logged once per streak: nats.js retries every reconnect wait, and enrolling fixes it.
  private refused(): void {
    if (this.refusedLogged) return;
    this.refusedLogged = true;
    log.error(
      "NATS refuses the agent's credentials: retrying (enroll the agent again, docs/auth.md)",
    );
  }

  private set(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    this.opts.connectedGauge.set(up ? 1 : 0);
    if (up) this.refusedLogged = false;
    if (up) log.info("Connected to NATS", { server: this.nc?.getServer() });
    else if (!this.closing) log.warn("Lost the connection to NATS: spooling until it is back");
    this.opts.onChange(up);
  }

  private async pause(ms: number): Promise<void> {
    if (this.closing) return;
    this.retry = new AbortController();
    await delay(ms, this.retry.signal);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
