/**
 * A real SMTP server for tests: Debian's python3-aiosmtpd (smtp_server.py) on a free port,
 * with STARTTLS (or TLS from the start) on a self-signed certificate made with openssl, AUTH
 * against one user, and RCPT answered with a chosen reply. Messages are parsed as the plain
 * sink (smtp_sink.ts) parses them; connections and AUTH attempts are recorded too.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.ts";
import { parseMessage, type SunkMail } from "./smtp_sink.ts";

/** What the server is asked to do. */
export interface SmtpServerOptions {
  /** Offer STARTTLS (the default) or TLS from the first byte; false: no TLS at all. */
  tls?: "starttls" | "implicit" | false;
  /** AUTH for this user and password (also CRAM-MD5's secret); none when absent. */
  auth?: { user: string; password: string; mechanisms?: string };
  /** A reply for every RCPT, such as "550 5.1.1 no such user". */
  rcptReply?: string;
}

/** One thing the server saw. */
export type SmtpEvent = { peer: number } & (
  | { event: "connect" | "ready" }
  | { event: "ehlo"; hostname: string; tls: boolean }
  | { event: "auth"; mechanism: string; ok: boolean }
  | { event: "mail"; mail_from: string; rcpt_tos: string[]; content: string }
);

/** A running server. */
export interface SmtpServer {
  /** `127.0.0.1:port`, for `smarthost`. */
  readonly address: string;
  /** The certificate's PEM file, for `tls_config.ca_file`. */
  readonly caFile: string;
  readonly mails: (SunkMail & { raw: string })[];
  readonly events: SmtpEvent[];
  stop(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 and localhost in `dir`. */
export function makeCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  const made = Bun.spawnSync(
    ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
      .concat(["-keyout", key, "-out", cert, "-subj", "/CN=localhost"])
      .concat(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]),
    { stderr: "pipe" },
  );
  if (made.exitCode !== 0) throw new Error(`Cannot make a certificate: ${made.stderr}`);
  return { cert, key };
}

/** Starts the server; resolves once it listens. */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<SmtpServer> {
  const dir = mkdtempSync(join(tmpdir(), "outpost-smtp-"));
  const { cert, key } = makeCertificate(dir);
  const port = await freePort();
  const tls = options.tls ?? "starttls";
  const argv = [
    "/usr/bin/python3",
    join(import.meta.dir, "smtp_server.py"),
    "--port",
    String(port),
  ];
  if (tls) argv.push("--cert", cert, "--key", key);
  if (tls === "implicit") argv.push("--implicit-tls");
  if (options.auth) {
    argv.push("--user", options.auth.user, "--password", options.auth.password);
    if (options.auth.mechanisms) argv.push("--mechanisms", options.auth.mechanisms);
  }
  if (options.rcptReply) argv.push("--rcpt-reply", options.rcptReply);
  const proc = Bun.spawn(argv, { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const events: SmtpEvent[] = [];
  const mails: SmtpServer["mails"] = [];
  let ready: () => void = () => {};
  const started = new Promise<void>((r) => {
    ready = r;
  });
  (async () => {
    let buffer = "";
    for await (const chunk of proc.stdout) {
      buffer += new TextDecoder().decode(chunk);
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const e = JSON.parse(buffer.slice(0, nl)) as SmtpEvent;
        buffer = buffer.slice(nl + 1);
        if (e.event === "ready") ready();
        else events.push(e);
        if (e.event === "mail") {
          const raw = Buffer.from(e.content, "base64").toString("latin1");
          mails.push({
            from: e.mail_from,
            to: e.rcpt_tos,
            raw,
            ...parseMessage(raw.replace(/\r\n$/, "")),
          });
        }
      }
    }
  })();
  await Promise.race([
    started,
    proc.exited.then(() => Promise.reject(new Error("smtp_server.py exited"))),
  ]);
  // aiosmtpd's controller connects once to itself while starting: forget that.
  events.length = 0;
  return {
    address: `127.0.0.1:${port}`,
    caFile: cert,
    mails,
    events,
    stop: async () => {
      proc.stdin.end();
      proc.kill();
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
