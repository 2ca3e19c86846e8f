/**
 * Local servers for the tcp prober's tests, each showing one behaviour a probe meets: an
 * SMTP-like banner exchange, silence, a reset, an early close, TLS, STARTTLS and IPv6.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext, createServer as createTlsServer, TLSSocket } from "node:tls";

/** A self-signed certificate for `localhost` and 127.0.0.1, in a temporary folder. */
export interface TestCert {
  dir: string;
  certFile: string;
  key: string;
  cert: string;
}

/** Generates a P-256 self-signed certificate with openssl. */
export function makeCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), "outpost-tcp-probe-"));
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const made = spawnSync("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-days",
    "30",
    "-subj",
    "/O=Outpost Test/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ]);
  if (made.status !== 0) throw new Error(`Cannot generate a certificate: ${made.stderr}`);
  return {
    dir,
    certFile,
    key: readFileSync(keyFile, "utf8"),
    cert: readFileSync(certFile, "utf8"),
  };
}

/** Running servers by behaviour, with the port of each. */
export interface TestServers {
  ports: Record<"banner" | "silent" | "reset" | "closing" | "tls" | "starttls" | "ipv6", number>;
  /** Lines the banner server received, and from which address. */
  received: { line: string; from: string }[];
  close(): void;
}

function bannerSession(s: Socket, received: TestServers["received"]): void {
  s.write("220 mail.example.com ESMTP ready\r\n");
  let pending = "";
  s.on("data", (chunk) => {
    pending += chunk.toString();
    for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      received.push({ line, from: s.remoteAddress ?? "" });
      if (line.startsWith("EHLO")) s.write(`250-hello ${line.slice(5)}\r\n250 OK\r\n`);
      if (line === "QUIT") s.end("221 bye\r\n");
    }
  });
}

function starttlsSession(s: Socket, cert: TestCert): void {
  s.write("220 ready\r\n");
  s.once("data", () => {
    s.write("220 go ahead\r\n");
    const context = createSecureContext({ key: cert.key, cert: cert.cert });
    const secured = new TLSSocket(s, { isServer: true, secureContext: context });
    secured.on("error", () => {});
    secured.on("secure", () => secured.write("220 secured\r\n"));
  });
}

/** Starts one server per behaviour on free ports. */
export async function startServers(cert: TestCert): Promise<TestServers> {
  const received: TestServers["received"] = [];
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  const listen = async (server: Server, host = "127.0.0.1") => {
    servers.push(server);
    server.on("connection", (s: Socket) => {
      sockets.push(s);
      s.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    return (server.address() as { port: number }).port;
  };
  const ports = {
    banner: await listen(createServer((s) => bannerSession(s, received))),
    silent: await listen(createServer(() => {})),
    reset: await listen(createServer((s) => s.resetAndDestroy())),
    closing: await listen(createServer((s) => s.end("hello\r\nworld\r"))),
    tls: await listen(
      createTlsServer({ key: cert.key, cert: cert.cert }, (s) => {
        s.on("error", () => {});
        s.write("hello tls\n");
      }),
    ),
    starttls: await listen(createServer((s) => starttlsSession(s, cert))),
    ipv6: await listen(
      createServer((s) => s.end("v6 hi\n")),
      "::1",
    ),
  };
  return {
    ports,
    received,
    close() {
      for (const s of sockets) s.destroy();
      for (const s of servers) s.close();
      rmSync(cert.dir, { recursive: true, force: true });
    },
  };
}
