/**
 * The authentication cost of one request (issue 21: ≤ 50 µs p99 with 10,000 tokens): the
 * guard reading `Authorization` and checking the token against an AuthStore of 10,000 tokens
 * (SHA-256, map get, expiry, owner), timed call by call. Also a Basic header with a token as
 * the password (Grafana's way) and an unknown token (refused). Runs on the in-memory KV seam:
 * what a request pays does not touch NATS. Then the whole middleware as a request meets it
 * (peer, proxies, Origin and Host checks, role, tenants), a browser's same-origin POST with a
 * token through a Hono app, against the same app without the guard: the difference is what
 * the guard adds to a request.
 *
 *   bun bench/auth_check.ts [--calls N]
 */
import { parseArgs } from "node:util";
import { Hono } from "hono";
import { Guard } from "../aggregator/auth/guard.ts";
import { AuthStore } from "../aggregator/auth/store.ts";
import { MemoryKeyValueStore } from "../aggregator/ingest/kv_memory.ts";

const { values } = parseArgs({ options: { calls: { type: "string", default: "200000" } } });
const CALLS = Number(values.calls);
const TOKENS = 10_000;

const kvs = new Map<string, MemoryKeyValueStore>();
const store = new AuthStore({
  kv: (b) => kvs.get(b) ?? kvs.set(b, new MemoryKeyValueStore()).get(b)!,
});
await store.start();
await store.addUser("grafana", "viewer", "bench-password");
const secrets: string[] = [];
for (let i = 0; i < TOKENS; i++)
  secrets.push((await store.createToken({ name: `t${i}`, owner: "grafana" })).secret);
const guard = new Guard(
  () => store,
  {
    enabled: true,
    open_paths: [],
    session_ttl: 1,
    session_idle: 1,
    login_burst: 1,
    login_per_minute: 1,
    trusted_origins: [],
    trusted_proxies: [],
  },
  true,
);

/** p50 and p99 of one call, in µs, over CALLS calls with headers from `headers(i)`. */
async function measure(headers: (i: number) => Headers, known: boolean): Promise<[number, number]> {
  const all = Array.from({ length: 1_000 }, (_, i) => headers(i * 7919));
  const times = new Float64Array(CALLS);
  for (let i = 0; i < CALLS; i++) {
    const h = all[i % all.length];
    const t = Bun.nanoseconds();
    const r = await guard.check(store, h, "127.0.0.1");
    times[i] = (Bun.nanoseconds() - t) / 1_000;
    if (i === 0 && "principal" in r !== known)
      throw new Error(`Cannot measure: the check gave ${JSON.stringify(r)}`);
  }
  times.sort();
  return [times[Math.floor(CALLS * 0.5)], times[Math.floor(CALLS * 0.99)]];
}

const cases: [string, (i: number) => Headers, boolean][] = [
  ["bearer", (i) => new Headers({ Authorization: `Bearer ${secrets[i % TOKENS]}` }), true],
  [
    "basic_token",
    (i) =>
      new Headers({
        Authorization: `Basic ${Buffer.from(`grafana:${secrets[i % TOKENS]}`).toString("base64")}`,
      }),
    true,
  ],
  ["unknown_token", (i) => new Headers({ Authorization: `Bearer opt_unknown${i}` }), false],
];
for (const [name, headers, known] of cases) {
  await measure(headers, known); // warm-up round, unreported
  const [p50, p99] = await measure(headers, known);
  console.log(`auth_check_${name}_p50 ${p50.toFixed(2)} us`);
  console.log(`auth_check_${name}_p99 ${p99.toFixed(2)} us`);
}
console.log(`auth_check_tokens ${TOKENS} tokens`);

/** p50 and p99 of one request through `app`, in µs. */
async function measureApp(app: Hono, headers: (i: number) => Headers): Promise<[number, number]> {
  const all = Array.from({ length: 1_000 }, (_, i) => headers(i * 7919));
  const env = { requestIP: () => ({ address: "10.0.0.7" }) };
  const times = new Float64Array(CALLS);
  for (let i = 0; i < CALLS; i++) {
    const req = new Request("http://outpost.example:9090/api/v1/query", {
      method: "POST",
      headers: all[i % all.length],
    });
    const t = Bun.nanoseconds();
    const res = await app.fetch(req, env);
    times[i] = (Bun.nanoseconds() - t) / 1_000;
    if (i === 0 && res.status !== 200)
      throw new Error(`Cannot measure: the app answered ${res.status} ${await res.text()}`);
  }
  times.sort();
  return [times[Math.floor(CALLS * 0.5)], times[Math.floor(CALLS * 0.99)]];
}

const bare = new Hono().post("/api/v1/query", (c) => c.text("ok"));
const guarded = new Hono().use(guard.middleware()).post("/api/v1/query", (c) => c.text("ok"));
const browserPost = (i: number) =>
  new Headers({
    Authorization: `Bearer ${secrets[i % TOKENS]}`,
    Host: "outpost.example:9090",
    Origin: "http://outpost.example:9090",
    "Sec-Fetch-Site": "same-origin",
  });
for (const [name, app] of [
  ["without_guard", bare],
  ["with_guard", guarded],
] as const) {
  await measureApp(app, browserPost); // warm-up round, unreported
  const [p50, p99] = await measureApp(app, browserPost);
  console.log(`auth_request_${name}_p50 ${p50.toFixed(2)} us`);
  console.log(`auth_request_${name}_p99 ${p99.toFixed(2)} us`);
}
store.stop();

// For scale, in the same run: what a user's password costs when it is not cached (argon2id).
const hash = store.user("grafana")!.passwordHash;
const verifyStart = performance.now();
for (let i = 0; i < 5; i++) await Bun.password.verify("bench-password", hash);
console.log(
  `auth_password_verify_mean ${(((performance.now() - verifyStart) / 5) * 1000).toFixed(0)} us`,
);
