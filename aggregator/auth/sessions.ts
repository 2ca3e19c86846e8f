/**
 * Browser sessions: the cookie holds a random id, the bucket its SHA-256 (so reading the
 * bucket does not let anyone in). A session ends at its absolute expiry, after the idle
 * timeout without requests, at logout, or when its user's password changes.
 */
import type { KvMirror } from "../ingest/kv_mirror.ts";
import type { SessionRecord } from "./records.ts";
import type { Principal } from "./roles.ts";
import { hashSecret, newSessionSecret } from "./secrets.ts";

/** Default absolute session lifetime: 12 hours. */
export const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000;
/** Default idle timeout: 1 hour. */
export const DEFAULT_SESSION_IDLE_MS = 3_600_000;
/** A session's last-seen time is written at most this often. */
const SEEN_EVERY_MS = 60_000;

/** A session as opened: the cookie's value and the CSRF token are given out only here. */
export interface OpenedSession {
  readonly id: string;
  readonly csrf: string;
  readonly expiresAt: number;
}

/** The sessions of every aggregator. */
export class Sessions {
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly idleMs: number;

  constructor(
    private readonly mirror: KvMirror<SessionRecord>,
    private readonly principalOf: (user: string) => Principal | null,
    opts: { now: () => number; ttlMs?: number; idleMs?: number },
  ) {
    this.now = opts.now;
    this.ttlMs = opts.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.idleMs = opts.idleMs ?? DEFAULT_SESSION_IDLE_MS;
  }

  start(signal?: AbortSignal): Promise<void> {
    return this.mirror.start(signal);
  }

  stop(): void {
    this.mirror.stop();
  }

  /** Opens a session for a user. */
  async open(user: string): Promise<OpenedSession> {
    const id = newSessionSecret();
    const now = this.now();
    await this.sweep(now);
    const s = {
      user,
      csrf: newSessionSecret(),
      createdAt: now,
      expiresAt: now + this.ttlMs,
      lastSeenAt: now,
    };
    await this.mirror.put(hashSecret(id), s);
    return { id, csrf: s.csrf, expiresAt: s.expiresAt };
  }

  /**
   * The principal of a live session's cookie value (with its CSRF token), else null. A cookie
   * this aggregator does not know may be a session opened on another one a moment ago, not yet
   * come through the watch: it is read from the bucket when `mayRead()` allows (the guard limits
   * it per client, as a made-up cookie costs a read). With `touch` false (a stream's re-check,
   * auth/revalidate.ts) the session is not counted as used: an open tail in a forgotten tab
   * does not keep it from going idle.
   */
  async check(
    id: string,
    mayRead: () => boolean = () => false,
    touch = true,
  ): Promise<Principal | null> {
    const key = hashSecret(id);
    const s =
      this.mirror.entries.get(key) ?? (mayRead() ? await this.mirror.lookUp(key) : undefined);
    if (s === undefined) return null;
    const now = this.now();
    if (now >= s.expiresAt || now - s.lastSeenAt >= this.idleMs) return null;
    const p = this.principalOf(s.user);
    if (p === null) return null;
    if (touch && now - s.lastSeenAt >= SEEN_EVERY_MS) this.touch(key, s, now);
    return { ...p, csrf: s.csrf };
  }

  /** Ends the session of a cookie value: its user, or null for an unknown one (no error). */
  async end(id: string): Promise<string | null> {
    const key = hashSecret(id);
    const s = await this.mirror.lookUp(key);
    if (s === undefined) return null;
    await this.mirror.delete(key);
    return s.user;
  }

  /** Ends every session of a user. */
  async endAll(user: string): Promise<void> {
    for (const [key, s] of this.mirror.entries) if (s.user === user) await this.mirror.delete(key);
  }

  /** Deletes the sessions that ended, so the bucket does not grow with every login. */
  private async sweep(now: number): Promise<void> {
    for (const [key, s] of this.mirror.entries)
      if (now >= s.expiresAt || now - s.lastSeenAt >= this.idleMs) await this.mirror.delete(key);
  }

  private touch(key: string, s: SessionRecord, now: number): void {
    const next = { ...s, lastSeenAt: now };
    this.mirror.touch(key, next, "a session's last request");
  }
}
