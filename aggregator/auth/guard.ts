/**
 * The guard in front of every route: who is calling (credentials.ts), may they (access.ts),
 * and, for calls made with the session cookie, is the CSRF header right. Logins (the Login
 * call and Basic with a user's password) are rate limited per user name and per address.
 * Nothing secret is logged: not a token, password, cookie or CSRF token.
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { loopbackAddress } from "../../shared/http/loopback.ts";
import { logger } from "../../shared/log/log.ts";
import type { Metric, Registry } from "../../shared/metrics/registry.ts";
import { actionOf } from "../audit/actions.ts";
import { actorOf } from "../audit/actor.ts";
import { LoginAudit } from "../audit/logins.ts";
import type { Audit } from "../audit/record.ts";
import {
  isStatusPagePath,
  isUiPath,
  LOGIN_PATH,
  namesEveryTenant,
  permissionFor,
} from "./access.ts";
import type { AuthConfig } from "./config.ts";
import { CSRF_HEADER, credentialsOf } from "./credentials.ts";
import { joinRefusal } from "./one_tenant.ts";
import { crossSiteRefusal, hostRefusal } from "./origin.ts";
import { RateLimiter } from "./rate_limit.ts";
import { refuse } from "./refuse.ts";
import { setRevalidate } from "./revalidate.ts";
import { ANONYMOUS, allows, type Principal } from "./roles.ts";
import { hashSecret, safeEqual, TOKEN_PREFIX } from "./secrets.ts";
import type { AuthStore } from "./store.ts";
import {
  ALL_TENANTS,
  DEFAULT_TENANT,
  type Resolved,
  resolveTenants,
  setTenants,
  TENANT_HEADER,
} from "./tenants.ts";

const log = logger("auth");

/** A successful Basic password check is remembered this long, so Grafana's every request is not an argon2 run. */
const PASSWORD_CACHE_MS = 60_000;

/**
 * How often one client address may have an unknown token or session cookie read from the
 * buckets (one made on another aggregator that the watch has yet to bring).
 */
const LOOKUPS = { burst: 20, perMinute: 120 };

/** The outcome of checking credentials. */
export type Checked =
  | { principal: Principal }
  | { refused: "unauthenticated" | "resource_exhausted"; message: string };

/** Authentication and authorisation of one aggregator's HTTP endpoint. */
export class Guard {
  private readonly users: RateLimiter;
  private readonly addresses: RateLimiter;
  /** Reads of unknown tokens and cookies from the buckets, per client address. */
  private readonly lookups: RateLimiter;
  private readonly passwords = new Map<string, { user: string; hash: string; until: number }>();
  private readonly refused: Metric | undefined;
  private readonly logins: Metric | undefined;
  private loginAudit: LoginAudit | undefined;
  private audit: Audit | undefined;

  constructor(
    /** The store; null until NATS is connected (requests then get 503). */
    private readonly store: () => AuthStore | null,
    private readonly config: AuthConfig,
    /** Whether requests must authenticate (auth.enabled, resolved against the listen address). */
    readonly required: boolean,
    registry?: Registry,
    private readonly now: () => number = Date.now,
  ) {
    const { login_burst: burst, login_per_minute: perMinute } = config;
    this.users = new RateLimiter({ burst, perMinute }, now);
    // One address may be many users (an office behind NAT): it gets five times a user's share.
    this.addresses = new RateLimiter({ burst: 5 * burst, perMinute: 5 * perMinute }, now);
    // A browser that logged in on another aggregator a moment ago sends its page's requests
    // at once; a client making up credentials gets two reads a second after those.
    this.lookups = new RateLimiter(LOOKUPS, now);
    this.refused = registry?.counter(
      "outpost_auth_refused_total",
      "Requests refused by authentication or authorisation, by reason.",
      ["reason"],
    );
    this.logins = registry?.counter("outpost_auth_logins_total", "Password logins, by result.", [
      "result",
    ]);
  }

  /** Records logins and refused changes into `audit` from now on. */
  auditInto(audit: Audit): void {
    this.audit = audit;
    this.loginAudit = new LoginAudit(audit);
  }

  /** Records a Logout that ended a session of `user`. */
  loggedOut(user: string, address: string): void {
    this.loginAudit?.loggedOut(user, address);
  }

  /** Records the rate-limited logins counted so far (at stop). */
  flushAudit(): void {
    this.loginAudit?.flush();
  }

  /** The Hono middleware; the principal is then `principalOf(c)`. */
  middleware(): MiddlewareHandler {
    const open = new Set(this.config.open_paths);
    const trusted = new Set((this.config.trusted_proxies ?? []).map(plainAddress));
    const origins = this.config.trusted_origins ?? [];
    const auto = this.config.enabled === "auto";
    return async (c, next) => {
      const peer = peerAddress(c);
      const client = forwardedFor(c, peer, trusted);
      c.set("clientAddress" as never, client as never);
      const path = c.req.path;
      const hosts = [c.req.header("host") ?? ""];
      const forwardedHost = c.req.header("x-forwarded-host");
      if (forwardedHost && trusted.has(peer)) hosts.push(forwardedHost);
      const crossSite = crossSiteRefusal(c.req.method, c.req.raw.headers, hosts, origins);
      if (crossSite !== undefined)
        return this.refuse(
          c,
          "permission_denied",
          `Cannot ${c.req.method} ${path}: ${crossSite}`,
          "cross_site",
        );
      // Off by `auto` means off for this machine's own clients: one that a proxy forwards
      // authenticates unless a trusted proxy names it as local (a proxy that says nothing of
      // itself, nginx's bare `proxy_pass`, cannot be told from a local client: docs/auth.md),
      // and a name other than loopback's is not answered.
      const off =
        !this.required &&
        !(auto && (unnamedClient(c.req.raw.headers, peer, trusted) || !loopbackAddress(client)));
      if (off && auto) {
        const wrongHost = hostRefusal(c.req.header("host"));
        if (wrongHost !== undefined)
          return this.refuse(
            c,
            "permission_denied",
            `Cannot ${c.req.method} ${path}: ${wrongHost}`,
            "host",
          );
      }
      // An open path is open for reading: a change there (an operator who opened a route
      // that also writes) still needs credentials and the role for it.
      const openRead = open.has(path) && permissionFor(c.req.method, path) === "read";
      if (off || openRead) {
        c.set("principal" as never, ANONYMOUS as never);
        // Authentication off means a trusted loopback: the header picks any tenants. An open
        // path with authentication on acts for the default tenant only.
        const header = c.req.header(TENANT_HEADER);
        const resolved = resolveTenants([DEFAULT_TENANT], header, off);
        return this.withTenants(c, resolved, next);
      }
      if (path === LOGIN_PATH && c.req.method === "POST") return next();
      if (isUiPath(c.req.method, path)) return next();
      if (isStatusPagePath(c.req.method, path)) return next();
      const store = this.store();
      if (store === null || !store.ready)
        return this.refuse(c, "unavailable", "Cannot authenticate yet: the aggregator is starting");
      const checked = await this.check(store, c.req.raw.headers, clientAddress(c));
      if ("refused" in checked) return this.refuse(c, checked.refused, checked.message);
      const p = checked.principal;
      const needs = permissionFor(c.req.method, path);
      if (!allows(p.role, needs)) {
        this.audit?.({
          actor: actorOf(p),
          source: clientAddress(c),
          action: actionOf(c.req.method, path),
          target: path,
          outcome: "denied",
          message: `role ${p.role} lacks ${needs} permission`,
        });
        return this.refuse(
          c,
          "permission_denied",
          `Cannot ${c.req.method} ${path}: role ${p.role} lacks ${needs} permission`,
        );
      }
      if (namesEveryTenant(path) && !p.tenants.includes(ALL_TENANTS)) {
        return this.refuse(
          c,
          "permission_denied",
          `Cannot ${c.req.method} ${path}: it names every tenant, and ${p.user} may see only ${p.tenants.join(", ")}: scrape it with a token of every tenant (*)`,
          "tenant",
        );
      }
      if (p.method === "session" && !["GET", "HEAD", "OPTIONS"].includes(c.req.method)) {
        const sent = c.req.header(CSRF_HEADER) ?? "";
        if (!safeEqual(sent, p.csrf ?? ""))
          return this.refuse(
            c,
            "permission_denied",
            `Cannot ${c.req.method} ${path}: missing or wrong ${CSRF_HEADER} header`,
            "csrf",
          );
      }
      c.set("principal" as never, p as never);
      const header = c.req.header(TENANT_HEADER);
      const resolved = resolveTenants(p.tenants, header);
      if (!("refused" in resolved)) {
        const headers = c.req.raw.headers;
        const address = clientAddress(c);
        // A password is checked again by its stored hash, not by logging in again (which
        // would spend the login rate limit, and log a failure after a change of password).
        const hash = p.method === "password" ? store.user(p.user)?.passwordHash : undefined;
        const again = { headers, address, needs, header, tenants: resolved.tenants, hash };
        setRevalidate(c, () => this.recheck(again));
      }
      return this.withTenants(c, resolved, next);
    };
  }

  /**
   * Why a request's credentials would no longer pass for what it was let in for (its
   * permission, its tenants), or undefined while they would: asked again by open streams
   * (revalidate.ts). Undefined too while the store is not there: it cannot tell.
   */
  private async recheck(r: {
    headers: Headers;
    address: string;
    needs: ReturnType<typeof permissionFor>;
    header: string | undefined;
    tenants: readonly string[];
    /** The user's password hash when the stream opened with Basic and a password. */
    hash: string | undefined;
  }): Promise<string | undefined> {
    const store = this.store();
    if (store === null || !store.ready) return undefined;
    let p: Principal;
    if (r.hash !== undefined) {
      const user = (credentialsOf(r.headers) as { user: string }).user;
      if (store.user(user)?.passwordHash !== r.hash)
        return "Cannot authenticate: the user's password changed or the user is gone";
      const now = store.principalOf(user, "password");
      if (now === null) return "Cannot authenticate: the user is gone";
      p = now;
    } else {
      const checked = await this.check(store, r.headers, r.address, false);
      // Only a definite no ends a stream: a rate limit is not one.
      if ("refused" in checked)
        return checked.refused === "unauthenticated" ? checked.message : undefined;
      p = checked.principal;
    }
    const { needs, tenants } = r;
    const tenantHeader = r.header;
    if (!allows(p.role, needs)) return `role ${p.role} lacks ${needs} permission`;
    const now = resolveTenants(p.tenants, tenantHeader);
    if ("refused" in now) return now.message;
    const gone = tenants.find((t) => !now.tenants.includes(t));
    return gone === undefined ? undefined : `${p.user} may no longer act for tenant ${gone}`;
  }

  /** Sets the request's tenants and goes on, or refuses tenants it may not act for here. */
  private withTenants(c: Context, resolved: Resolved, next: Next): Promise<void> | Response {
    if ("refused" in resolved) return this.refuse(c, resolved.refused, resolved.message, "tenant");
    const joined = joinRefusal(c.req.path, resolved.tenants);
    if (joined !== undefined) return this.refuse(c, "invalid_argument", joined, "tenant");
    setTenants(c, resolved.tenants);
    return next();
  }

  /**
   * The principal of a request's credentials, or why there is none. `touch` false: a stream's
   * re-check, which does not count as the token's or session's use.
   */
  async check(store: AuthStore, headers: Headers, address: string, touch = true): Promise<Checked> {
    const cred = credentialsOf(headers);
    const mayRead = () => this.lookups.take([address]);
    switch (cred.kind) {
      case "token": {
        const p = await store.checkToken(cred.secret, mayRead, touch);
        return p
          ? { principal: p }
          : {
              refused: "unauthenticated",
              message: "Cannot authenticate: unknown, revoked or expired token",
            };
      }
      case "session": {
        const p = await store.sessions.check(cred.id, mayRead, touch);
        return p
          ? { principal: p }
          : {
              refused: "unauthenticated",
              message: "Cannot authenticate: the session ended; log in again",
            };
      }
      case "password":
        return this.basicPassword(store, cred.user, cred.password, address);
      case "malformed":
        return { refused: "unauthenticated", message: `Cannot authenticate: ${cred.reason}` };
      case "none":
        return {
          refused: "unauthenticated",
          message: "Cannot authenticate: send a token (Bearer or Basic) or log in",
        };
    }
  }

  /**
   * Checks a user's password for Login (`session`) or Basic: the principal, or why not. Rate
   * limited. Audited: failures and refusals always, successes of Login only.
   */
  async login(
    store: AuthStore,
    user: string,
    password: string,
    address: string,
    session = true,
  ): Promise<Checked> {
    // A token typed as a user name (into the login form, say) is not written anywhere.
    const shown = user.startsWith(TOKEN_PREFIX) ? "<a token>" : user;
    if (!this.users.take([user]) || !this.addresses.take([address])) {
      this.logins?.labels({ result: "rate_limited" }).inc();
      this.loginAudit?.rateLimited(shown, address);
      log.warn("Login refused: too many attempts", { user: shown, address });
      return {
        refused: "resource_exhausted",
        message: "Cannot log in: too many attempts; wait a minute",
      };
    }
    const p = await store.checkPassword(user, password);
    this.logins?.labels({ result: p ? "ok" : "failed" }).inc();
    if (p && session) this.loginAudit?.succeeded(user, address);
    if (!p) {
      this.loginAudit?.failed(shown, address);
      log.info("Login failed", { user: shown, address });
      return { refused: "unauthenticated", message: "Cannot log in: wrong user name or password" };
    }
    return { principal: p };
  }

  private async basicPassword(
    store: AuthStore,
    user: string,
    password: string,
    address: string,
  ): Promise<Checked> {
    const key = hashSecret(`${user}\u0000${password}`);
    const cached = this.passwords.get(key);
    const current = store.user(user);
    if (cached && current && cached.hash === current.passwordHash && this.now() < cached.until) {
      const p = store.principalOf(user, "password");
      if (p) return { principal: p };
    }
    const checked = await this.login(store, user, password, address, false);
    if ("principal" in checked && current) {
      if (this.passwords.size > 10_000) this.passwords.clear();
      this.passwords.set(key, {
        user,
        hash: current.passwordHash,
        until: this.now() + PASSWORD_CACHE_MS,
      });
    }
    return checked;
  }

  private refuse(
    c: Context,
    why: Parameters<typeof refuse>[2],
    message: string,
    reason: string = why,
  ): Response {
    this.refused?.labels({ reason }).inc();
    log.debug("Request refused", {
      method: c.req.method,
      path: c.req.path,
      reason,
      address: clientAddress(c),
    });
    return refuse(c.req.raw, c.req.path, why, message);
  }
}

/** The principal the guard set on a request (anonymous admin when authentication is off). */
export function principalOf(c: Context): Principal {
  return (c.get("principal" as never) as Principal | undefined) ?? ANONYMOUS;
}

/**
 * The client's address: the one the guard found (X-Forwarded-For from a trusted proxy), else
 * the peer's from Bun's server when the request came through one.
 */
export function clientAddress(c: Context): string {
  return (c.get("clientAddress" as never) as string | undefined) ?? peerAddress(c);
}

function peerAddress(c: Context): string {
  const server = c.env as { requestIP?: (r: Request) => { address: string } | null } | undefined;
  const address = server?.requestIP?.(c.req.raw)?.address;
  return address === undefined ? "unknown" : plainAddress(address);
}

/**
 * An IPv4 address as itself where a dual-stack listen reports it IPv4-mapped (`::ffff:a.b.c.d`),
 * so that `trusted_proxies: [127.0.0.1]` matches a proxy on either kind of socket.
 */
function plainAddress(address: string): string {
  return address.replace(/^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i, "$1");
}

/** Headers a proxy adds (any of them, from anyone: a direct client has no reason to send them). */
const PROXY_HEADERS = [
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-forwarded-server",
  "x-real-ip",
  "x-client-ip",
  "true-client-ip",
  "cf-connecting-ip",
  "via",
];

/**
 * Whether a request came through a proxy that does not name its client: one not trusted (seen
 * by its headers), or a trusted one without `X-Forwarded-For`. Its client may be anyone.
 */
function unnamedClient(headers: Headers, peer: string, trusted: ReadonlySet<string>): boolean {
  if (trusted.has(peer)) return !headers.has("x-forwarded-for");
  return PROXY_HEADERS.some((h) => headers.has(h));
}

/**
 * The client behind trusted proxies: the right-most X-Forwarded-For entry that is not itself a
 * trusted proxy (entries to its left are whatever the client claimed). The peer when it is not
 * trusted or sent no header.
 */
function forwardedFor(c: Context, peer: string, trusted: ReadonlySet<string>): string {
  if (!trusted.has(peer)) return peer;
  const hops = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter((h) => h !== "");
  for (let i = hops.length - 1; i >= 0; i--)
    if (!trusted.has(hops[i] as string)) return hops[i] as string;
  return hops[0] ?? peer;
}
