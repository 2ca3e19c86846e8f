import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { lateWatch } from "../ingest/kv_held.ts";
import { MemoryKeyValueStore } from "../ingest/kv_memory.ts";
import { authSchema } from "./config.ts";
import { SESSION_COOKIE } from "./credentials.ts";
import { clientAddress, Guard } from "./guard.ts";
import { AuthStore, SESSIONS_BUCKET, TOKENS_BUCKET } from "./store.ts";

/** An app behind a guard (authentication off) that answers the client address it sees. */
function app(trusted: string[]) {
  const config = authSchema.parse({ enabled: false, trusted_proxies: trusted });
  const guard = new Guard(() => null, config, false);
  const a = new Hono();
  a.use(guard.middleware());
  a.get("/", (c) => c.text(clientAddress(c)));
  return async (peer: string, xff?: string) => {
    const headers: Record<string, string> = xff ? { "X-Forwarded-For": xff } : {};
    const env = { requestIP: () => ({ address: peer }) };
    return (await a.request("/", { headers }, env)).text();
  };
}

describe("clientAddress()", () => {
  test("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    expect(await app([])("10.0.0.5", "1.2.3.4")).toBe("10.0.0.5");
    expect(await app(["10.0.0.9"])("10.0.0.5", "1.2.3.4")).toBe("10.0.0.5");
  });

  test("takes the right-most untrusted hop behind trusted proxies, not what the client claimed", async () => {
    const behind = app(["10.0.0.9", "10.0.0.8"]);
    expect(await behind("10.0.0.9", "6.6.6.6, 1.2.3.4, 10.0.0.8")).toBe("1.2.3.4");
    expect(await behind("10.0.0.9")).toBe("10.0.0.9");
    // A dual-stack listen reports an IPv4 peer IPv4-mapped: the same proxy.
    expect(await behind("::ffff:10.0.0.9", "1.2.3.4")).toBe("1.2.3.4");
    expect(await app([])("::ffff:10.0.0.5")).toBe("10.0.0.5");
  });
});

/**
 * A guard as `outpost up` runs it: `enabled: auto` on a loopback listen (authentication off for
 * this machine), or on (`required`), with one editor whose password a browser may have cached.
 */
async function guarded(opts: { required: boolean; config?: Record<string, unknown> }) {
  const kvs = new Map<string, MemoryKeyValueStore>();
  const store = new AuthStore({
    kv: (b) => kvs.get(b) ?? kvs.set(b, new MemoryKeyValueStore()).get(b)!,
  });
  await store.start();
  await store.addUser("eddie", "editor", "eddie-password");
  await store.addUser("scraper", "viewer", "scraper-password", ["*"]);
  const guard = new Guard(() => store, authSchema.parse(opts.config ?? {}), opts.required);
  const a = new Hono();
  a.use(guard.middleware());
  a.all("/api/v2/silences", (c) => c.text("changed"));
  a.get("/api/v1/query", (c) => c.text("data"));
  a.get("/metrics", (c) => c.text('outpost_up{tenant="a"} 1'));
  return async (
    method: string,
    headers: Record<string, string>,
    peer = "127.0.0.1",
    path = "/api/v2/silences",
  ) => {
    const env = { requestIP: () => ({ address: peer }) };
    const r = await a.request(`http://127.0.0.1:9090${path}`, { method, headers }, env);
    return { status: r.status, text: await r.text() };
  };
}

const LOCAL = { Host: "127.0.0.1:9090" };
const BASIC = { Authorization: `Basic ${btoa("eddie:eddie-password")}` };

describe("browsers' requests from other sites", () => {
  test("a page elsewhere cannot change a loopback aggregator with authentication off", async () => {
    const call = await guarded({ required: false });
    const evil = { ...LOCAL, Origin: "https://evil.example" };
    const refused = await call("POST", evil);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("https://evil.example");
    expect(refused.text).toContain("auth.trusted_origins");
    expect((await call("POST", { ...LOCAL, "Sec-Fetch-Site": "cross-site" })).status).toBe(403);
    expect((await call("POST", { ...LOCAL, Origin: "null" })).status).toBe(403);
    // A WebSocket is a GET the browser sends from any page: refused from elsewhere too.
    const ws = { ...evil, Upgrade: "websocket", Connection: "Upgrade" };
    expect((await call("GET", ws, "127.0.0.1", "/api/v1/query")).status).toBe(403);
    // The aggregator's own pages, and callers that are not browsers, go on as before.
    expect(await call("POST", { ...LOCAL, Origin: "http://127.0.0.1:9090" })).toEqual({
      status: 200,
      text: "changed",
    });
    expect((await call("POST", { ...LOCAL, "Sec-Fetch-Site": "same-origin" })).status).toBe(200);
    expect((await call("POST", LOCAL)).status).toBe(200);
    expect((await call("GET", evil, "127.0.0.1", "/api/v1/query")).status).toBe(200);
  });

  test("a password the browser cached does not carry a change from another site", async () => {
    const call = await guarded({ required: true });
    expect((await call("POST", { ...LOCAL, ...BASIC })).status).toBe(200);
    const fromElsewhere = { ...LOCAL, ...BASIC, Origin: "https://evil.example" };
    expect((await call("POST", fromElsewhere)).status).toBe(403);
  });

  test("an origin in auth.trusted_origins may call, and * lets any", async () => {
    const grafana = { ...LOCAL, Origin: "https://grafana.example.com" };
    const one = await guarded({
      required: false,
      config: { trusted_origins: ["https://grafana.example.com"] },
    });
    expect((await one("POST", grafana)).status).toBe(200);
    expect((await one("POST", { ...LOCAL, Origin: "https://other.example" })).status).toBe(403);
    const any = await guarded({ required: false, config: { trusted_origins: ["*"] } });
    expect((await any("POST", { ...LOCAL, Origin: "https://other.example" })).status).toBe(200);
    expect(() => authSchema.parse({ trusted_origins: ["grafana.example.com"] })).toThrow(
      /must be \* or an origin/,
    );
  });

  test("behind a trusted proxy, the name the browser used is the one compared", async () => {
    const call = await guarded({ required: true, config: { trusted_proxies: ["10.0.0.9"] } });
    const proxied = {
      ...BASIC,
      Host: "127.0.0.1:9090",
      "X-Forwarded-Host": "outpost.example.com",
      "X-Forwarded-For": "203.0.113.9",
      Origin: "https://outpost.example.com",
    };
    expect((await call("POST", proxied, "10.0.0.9")).status).toBe(200);
    // The same header from a peer that is not a trusted proxy names nothing.
    expect((await call("POST", proxied, "10.0.0.5")).status).toBe(403);
  });
});

describe("authentication off on loopback (enabled: auto)", () => {
  test("answers only loopback host names, so DNS rebinding reads nothing", async () => {
    const call = await guarded({ required: false });
    for (const host of ["127.0.0.1:9090", "localhost:9090", "[::1]:9090", "app.localhost"])
      expect({
        host,
        status: (await call("GET", { Host: host }, "127.0.0.1", "/api/v1/query")).status,
      }).toEqual({ host, status: 200 });
    const rebound = await call(
      "GET",
      { Host: "rebind.evil.example:9090" },
      "127.0.0.1",
      "/api/v1/query",
    );
    expect(rebound.status).toBe(403);
    expect(rebound.text).toContain("auth.enabled: true");
    // Turned off explicitly, the operator's names are theirs to choose.
    const off = await guarded({ required: false, config: { enabled: false } });
    expect((await off("GET", { Host: "10.0.0.5:9090" }, "10.0.0.5", "/api/v1/query")).status).toBe(
      200,
    );
  });

  test("a client a trusted proxy forwards from elsewhere must authenticate", async () => {
    const call = await guarded({ required: false, config: { trusted_proxies: ["127.0.0.1"] } });
    const remote = { ...LOCAL, "X-Forwarded-For": "203.0.113.9" };
    expect((await call("GET", remote, "127.0.0.1", "/api/v1/query")).status).toBe(401);
    expect((await call("GET", { ...remote, ...BASIC }, "127.0.0.1", "/api/v1/query")).status).toBe(
      200,
    );
    // A local client through the same proxy is this machine's: off, as before.
    const local = { ...LOCAL, "X-Forwarded-For": "127.0.0.1" };
    expect((await call("GET", local, "127.0.0.1", "/api/v1/query")).status).toBe(200);
    // The trusted proxy naming no client: it may be anyone's request.
    expect((await call("GET", LOCAL, "127.0.0.1", "/api/v1/query")).status).toBe(401);
  });

  test("a request through a proxy that is not trusted must authenticate, whatever it claims", async () => {
    const call = await guarded({ required: false });
    const headers: Record<string, string>[] = [
      { "X-Forwarded-For": "127.0.0.1" },
      { "X-Real-IP": "127.0.0.1" },
      { Forwarded: "for=127.0.0.1" },
      { Via: "1.1 nginx" },
      { "X-Forwarded-Proto": "https" },
      { "X-Forwarded-Host": "localhost" },
      { "CF-Connecting-IP": "127.0.0.1" },
      { "True-Client-IP": "127.0.0.1" },
    ];
    for (const header of headers) {
      const status = (await call("GET", { ...LOCAL, ...header }, "127.0.0.1", "/api/v1/query"))
        .status;
      expect({ header, status }).toEqual({ header, status: 401 });
    }
    // A direct local client, as before.
    expect((await call("GET", LOCAL, "127.0.0.1", "/api/v1/query")).status).toBe(200);
  });
});

describe("open paths", () => {
  test("are open for reading only: a change on one still needs credentials and the role", async () => {
    const call = await guarded({
      required: true,
      config: { open_paths: ["/api/v1/query", "/api/v2/silences"] },
    });
    expect((await call("GET", LOCAL, "127.0.0.1", "/api/v1/query")).status).toBe(200);
    expect((await call("GET", LOCAL)).status).toBe(200);
    expect((await call("POST", LOCAL)).status).toBe(401);
    expect((await call("POST", { ...LOCAL, ...BASIC })).status).toBe(200);
  });
});

describe("/metrics", () => {
  const SCRAPER = { Authorization: `Basic ${btoa("scraper:scraper-password")}` };

  test("names every tenant, so only a principal of every tenant reads it where credentials are required", async () => {
    const call = await guarded({ required: true });
    expect((await call("GET", LOCAL, "10.0.0.5", "/metrics")).status).toBe(401);
    const one = await call("GET", { ...LOCAL, ...BASIC }, "10.0.0.5", "/metrics");
    expect(one.status).toBe(403);
    expect(one.text).toContain("it names every tenant");
    expect((await call("GET", { ...LOCAL, ...SCRAPER }, "10.0.0.5", "/metrics")).status).toBe(200);
  });

  test("is open on this machine with authentication off, and wherever an operator opens it", async () => {
    expect(
      (await (await guarded({ required: false }))("GET", LOCAL, "127.0.0.1", "/metrics")).status,
    ).toBe(200);
    const open = await guarded({ required: true, config: { open_paths: ["/metrics"] } });
    expect((await open("GET", LOCAL, "10.0.0.5", "/metrics")).status).toBe(200);
  });
});

describe("credentials made on another aggregator a moment ago", () => {
  /** Aggregator A, and B's guard, whose watches have not yet brought A's writes. */
  async function twoAggregators() {
    const kvs = new Map<string, MemoryKeyValueStore>();
    const bucket = (b: string) => kvs.get(b) ?? kvs.set(b, new MemoryKeyValueStore()).get(b)!;
    const views = new Map<string, ReturnType<typeof lateWatch>>();
    const late = (b: string) => views.get(b) ?? views.set(b, lateWatch(bucket(b))).get(b)!;
    const a = new AuthStore({ kv: bucket });
    const b = new AuthStore({ kv: (name) => late(name).kv });
    await Promise.all([a.start(), b.start()]);
    await a.addUser("eddie", "editor", "eddie-password");
    for (const v of views.values()) v.deliver(); // B knows eddie; what follows it has yet to see
    const guard = new Guard(() => b, authSchema.parse({}), true);
    const app = new Hono();
    app.use(guard.middleware());
    app.get("/api/v1/query", (c) => c.text("data"));
    const call = async (headers: Record<string, string>, peer: string) => {
      const env = { requestIP: () => ({ address: peer }) };
      const r = await app.request("http://10.0.0.1:9090/api/v1/query", { headers }, env);
      return r.status;
    };
    return { a, call, reads: (b: string) => late(b).reads() };
  }

  test("a session opened and a token made on A work on B at once", async () => {
    const { a, call } = await twoAggregators();
    const session = await a.sessions.open("eddie");
    const { secret } = await a.createToken({ name: "ci", owner: "eddie" });
    expect(await call({ Cookie: `${SESSION_COOKIE}=${session.id}` }, "10.0.0.5")).toBe(200);
    expect(await call({ Authorization: `Bearer ${secret}` }, "10.0.0.5")).toBe(200);
  });

  test("a client making credentials up has 20 of them read, then two a second", async () => {
    const { a, call, reads } = await twoAggregators();
    for (let i = 0; i < 30; i++)
      expect(await call({ Authorization: `Bearer outpost_made-up-${i}` }, "10.0.0.6")).toBe(401);
    for (let i = 0; i < 30; i++)
      expect(await call({ Cookie: `${SESSION_COOKIE}=made-up-${i}` }, "10.0.0.6")).toBe(401);
    expect(reads(TOKENS_BUCKET) + reads(SESSIONS_BUCKET)).toBe(20);
    // Another client is not held back by that one.
    const { secret } = await a.createToken({ name: "ci", owner: "eddie" });
    expect(await call({ Authorization: `Bearer ${secret}` }, "10.0.0.7")).toBe(200);
  });
});
