import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:tls";
import type { ProbeTlsConfig } from "../tls.ts";
import { Connections, type Dial, dial, newTrace } from "./conn.ts";
import { makeCerts, type TestCerts } from "./testdata/certs.ts";

let certs: TestCerts;
let server: Server;
let port: number;
/** The SNI of each handshake ("" when none was sent). */
const names: string[] = [];

beforeAll(async () => {
  certs = makeCerts();
  server = createServer({
    cert: readFileSync(certs.serverCert, "utf8"),
    key: readFileSync(certs.serverKey, "utf8"),
    SNICallback: (name, done) => {
      names.push(String(name));
      done(null, undefined);
    },
  });
  server.on("secureConnection", (s) => s.on("error", () => {}));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  certs?.remove();
});

const config = (extra: Partial<ProbeTlsConfig> = {}): ProbeTlsConfig => ({
  ca_file: certs.ca,
  insecure_skip_verify: false,
  ...extra,
});

function target(name: string, tls: ProbeTlsConfig): Dial {
  return { address: "127.0.0.1", port, tls: { config: tls, name } };
}

describe("dial() over TLS", () => {
  test.each([
    ["sends the host name as SNI", "localhost", {}, "localhost"],
    ["sends no SNI for an IP address", "127.0.0.1", {}, ""],
    [
      "sends server_name instead of the host",
      "127.0.0.1",
      { server_name: "localhost" },
      "localhost",
    ],
  ])("%s", async (_name, name, extra, sni) => {
    names.length = 0;
    const conns = new Connections(new AbortController().signal);
    await dial(target(name, config(extra)), newTrace(true), conns);
    conns.closeAll();
    expect(names.length > 0 ? names : [""]).toEqual([sni]);
  });

  test.each([
    [{}, "TLSv1.3"],
    [{ max_version: "TLS12" }, "TLSv1.2"],
    [{ min_version: "TLS12", max_version: "TLS12" }, "TLSv1.2"],
  ] as const)("keeps to the version bounds %j", async (extra, version) => {
    const conns = new Connections(new AbortController().signal);
    const conn = await dial(target("localhost", config(extra)), newTrace(true), conns);
    expect(conn.tls?.getProtocol()).toBe(version);
    conns.closeAll();
  });

  test("fills in the connect and TLS moments in order", async () => {
    const trace = newTrace(true);
    const conns = new Connections(new AbortController().signal);
    await dial(target("localhost", config()), trace, conns);
    conns.closeAll();
    expect(trace.connectDone).toBeGreaterThan(trace.start);
    expect(trace.tlsStart).toBe(trace.connectDone);
    expect(trace.tlsDone).toBeGreaterThan(trace.tlsStart);
    expect(trace.gotConn).toBe(trace.tlsDone);
  });

  test("an aborted probe fails the dial with the signal's reason", async () => {
    const controller = new AbortController();
    const conns = new Connections(controller.signal);
    const dialing = dial(target("localhost", config()), newTrace(true), conns);
    controller.abort(new Error("probe timed out"));
    await expect(dialing).rejects.toThrow("probe timed out");
  });
});
