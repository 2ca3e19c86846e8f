/**
 * What a NATS connect costs with the two kinds of users nats-server 2.9 can list in its config
 * file (docs/auth.md, Agents and NATS): an nkey user (the server sends a nonce, the client signs
 * it) and a user whose password the config holds as a bcrypt hash (cost 11). Each connect is
 * timed from `connect()` to the first flushed round trip, then closed.
 *
 *   bun bench/nats_auth_connect.ts [--connects N]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type ConnectionOptions, connect, nkeyAuthenticator } from "nats";
import { newUserKey } from "../shared/nats/nkey.ts";
import { startNatsServer } from "../test/harness/nats.ts";

const { values } = parseArgs({ options: { connects: { type: "string", default: "40" } } });
const CONNECTS = Number(values.connects);

const dir = mkdtempSync(join(tmpdir(), "outpost-bench-nats-auth-"));
const key = newUserKey();
const password = crypto.randomUUID();
const hash = await Bun.password.hash(password, { algorithm: "bcrypt", cost: 11 });
const conf = join(dir, "nats-server.conf");
writeFileSync(
  conf,
  `jetstream { store_dir: ${JSON.stringify(join(dir, "nats"))} }
authorization { users = [ { nkey: ${JSON.stringify(key.publicKey)} }, { user: bench, password: ${JSON.stringify(hash)} } ] }
`,
);
const nats = await startNatsServer({ storeDir: join(dir, "nats"), configFile: conf });

async function medianMs(auth: ConnectionOptions): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < CONNECTS; i++) {
    const started = performance.now();
    const nc = await connect({ servers: nats.url, ...auth });
    await nc.flush();
    times.push(performance.now() - started);
    await nc.close();
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95) };
}

try {
  const seed = new TextEncoder().encode(key.seed);
  const nkey = await medianMs({ authenticator: nkeyAuthenticator(seed) });
  const bcrypt = await medianMs({ user: "bench", pass: password });
  console.log(`nats_connect_nkey_p50 ${nkey.p50.toFixed(2)} ms`);
  console.log(`nats_connect_nkey_p95 ${nkey.p95.toFixed(2)} ms`);
  console.log(`nats_connect_bcrypt11_p50 ${bcrypt.p50.toFixed(2)} ms`);
  console.log(`nats_connect_bcrypt11_p95 ${bcrypt.p95.toFixed(2)} ms`);
} finally {
  await nats.dispose();
  rmSync(dir, { recursive: true, force: true });
}
