import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { Conn, type TlsSpec } from "./socket.ts";
import { makeCerts, type TestCerts } from "./testdata/certs.ts";

const BIG = Buffer.alloc(8 << 20, "0123456789abcdef");

let server: Server;
let port: number;
const open = new Set<Socket>();
let certs: TestCerts;
let https: ReturnType<typeof Bun.serve>;

/** A server that answers "big\n" with 8 MiB, and "count:<n>\n" then n bytes with n. */
beforeAll(async () => {
  server = createServer((s) => {
    open.add(s);
    s.on("close", () => open.delete(s));
    s.on("error", () => {});
    let seen = 0;
    let want = -1;
    s.on("data", (data: Buffer) => {
      let d = data;
      if (want < 0) {
        const line = d.toString("latin1", 0, d.indexOf("\n"));
        if (line === "big") s.end(BIG);
        want = line.startsWith("count:") ? Number(line.slice(6)) : 0;
        d = d.subarray(line.length + 1);
      }
      seen += d.length;
      if (want > 0 && seen >= want) s.end(String(seen));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
  certs = makeCerts();
  const tls = {
    cert: readFileSync(certs.serverCert, "utf8"),
    key: readFileSync(certs.serverKey, "utf8"),
  };
  https = Bun.serve({ port: 0, hostname: "127.0.0.1", tls, fetch: () => new Response(BIG) });
});
afterAll(async () => {
  for (const s of open) s.destroy();
  await new Promise((resolve) => server.close(resolve));
  https?.stop(true);
  certs?.remove();
});

async function readAll(conn: Conn, pauseMs = 0): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let chunk = await conn.read(); chunk; chunk = await conn.read()) {
    parts.push(chunk);
    if (pauseMs > 0) await Bun.sleep(pauseMs);
  }
  return Buffer.concat(parts);
}

async function connected(tls?: TlsSpec, to = port): Promise<Conn> {
  const conn = new Conn();
  conn.connect("127.0.0.1", to, tls);
  await conn.opened();
  if (tls) await conn.secured();
  return conn;
}

describe("Conn", () => {
  test("reads a large response intact when the reader is slower than the network", async () => {
    const conn = await connected();
    conn.write(Buffer.from("big\n"));
    const got = await readAll(conn, 2);
    expect(got.length).toBe(BIG.length);
    expect(got.equals(BIG)).toBe(true);
  });

  test("sends a request larger than the socket takes at once", async () => {
    const body = Buffer.alloc(16 << 20, "x");
    const conn = await connected();
    conn.write(Buffer.concat([Buffer.from(`count:${body.length}\n`), body]));
    expect((await readAll(conn)).toString()).toBe(String(body.length));
  });

  test("a refused connection fails the wait for it", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const free = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const conn = new Conn();
    conn.connect("127.0.0.1", free);
    await expect(conn.opened()).rejects.toThrow();
  });

  test("close() fails a pending read with its reason and closes the connection", async () => {
    const conn = await connected();
    conn.write(Buffer.from("count:1000\n"));
    const pending = conn.read();
    conn.close(new Error("probe timed out"));
    await expect(pending).rejects.toThrow("probe timed out");
    for (let i = 0; i < 50 && open.size > 0; i++) await Bun.sleep(10);
    expect(open.size).toBe(0);
  });
});

describe("Conn over TLS", () => {
  const spec = (verifyName: string, verify: boolean, extra = {}): TlsSpec => ({
    options: { ca: readFileSync(certs.ca, "utf8"), rejectUnauthorized: false, ...extra },
    verifyName,
    verify,
  });

  test("captures the verified chain, CA included, and the protocol", async () => {
    const conn = await connected(spec("localhost", true), https.port);
    const leaf = conn.tls?.getPeerCertificate(true);
    expect(conn.tls?.authorized).toBe(true);
    expect(leaf?.subject.CN).toBe("localhost");
    expect(leaf?.issuerCertificate?.subject.CN).toBe("Outpost Test CA");
    expect(conn.tls?.getProtocol()).toBe("TLSv1.3");
    conn.close();
  });

  test.each([
    ["a covered name passes", "localhost", true, true],
    ["an IP address is checked against the IP SANs", "127.0.0.1", true, true],
    ["a name the certificate does not cover is refused", "example.com", true, false],
    ["without verification the name is reported unauthorized", "example.com", false, "open"],
  ] as const)("%s", async (_name, verifyName, verify, outcome) => {
    const attempt = connected(spec(verifyName, verify), https.port);
    if (outcome === false) {
      await expect(attempt).rejects.toThrow("altnames");
      return;
    }
    const conn = await attempt;
    expect(conn.tls?.authorized).toBe(outcome === true);
    conn.close();
  });

  test("reads a large response intact when the reader is slower than the network", async () => {
    const conn = await connected(spec("localhost", true), https.port);
    conn.write(Buffer.from("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    const got = await readAll(conn, 2);
    expect(got.subarray(got.length - BIG.length).equals(BIG)).toBe(true);
  });

  test("a failed handshake fails even without verification", async () => {
    const impossible = spec("localhost", false, { minVersion: 0x0304, maxVersion: 0x0303 });
    await expect(connected(impossible, https.port)).rejects.toThrow();
  });
});
