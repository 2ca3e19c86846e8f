import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Paths of a throwaway CA, a server certificate it signed and a client certificate. */
export interface TestCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  remove(): void;
}

/**
 * Generates certificates with openssl into a temporary folder (EC keys: fast). The server
 * certificate is for `localhost`, 127.0.0.1 and ::1 and has only a CN, so its subject reads
 * the same in Go's and OpenSSL's order.
 */
export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "outpost-http-probe-"));
  const p = (name: string) => join(dir, name);
  const run = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  run(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    p("ca.key"),
    "-out",
    p("ca.crt"),
    // The CA outlives the certificates it signs, as real CAs do: the earliest expiry is then
    // the leaf's even when the two are made across a second boundary.
    "-days",
    "3",
    "-subj",
    "/CN=Outpost Test CA",
  );
  writeFileSync(p("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n");
  for (const [name, subject, ext] of [
    ["server", "/CN=localhost", ["-extfile", p("san.ext")]],
    ["client", "/CN=probe-client", []],
  ] as const) {
    run("req", ...ec, "-keyout", p(`${name}.key`), "-out", p(`${name}.csr`), "-subj", subject);
    run(
      "x509",
      "-req",
      "-in",
      p(`${name}.csr`),
      "-CA",
      p("ca.crt"),
      "-CAkey",
      p("ca.key"),
      "-CAcreateserial",
      "-out",
      p(`${name}.crt`),
      "-days",
      "2",
      ...ext,
    );
  }
  return {
    dir,
    ca: p("ca.crt"),
    serverCert: p("server.crt"),
    serverKey: p("server.key"),
    clientCert: p("client.crt"),
    clientKey: p("client.key"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
