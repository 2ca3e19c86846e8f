/**
 * Sending one e-mail as Alertmanager 0.25 does: connect to `smarthost` (TLS from the start on
 * port 465), EHLO with `hello`, STARTTLS when `require_tls` (failing when the server does not
 * offer it), AUTH when the server offers it and `auth_username` is set, MAIL FROM, one RCPT TO
 * per recipient, DATA, QUIT. Every failure of the conversation is retried, replies 5xx
 * included: Alertmanager 0.25 was seen retrying a 535 to AUTH and a 550 to RCPT
 * (test/integration/notify_email_alertmanager.test.ts). Replies 5xx are counted as
 * `clientError`, 4xx as `serverError`, the rest as `other` or `timeout`.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import type tls from "node:tls";
import type { Section } from "../../config/integrations.ts";
import type { SendResult } from "../../receivers/integration.ts";
import type { EmailMessage } from "../email.ts";
import { authenticate, type Credentials, chooseMechanism } from "./auth.ts";
import { type Endpoint, type Reply, SmtpConnection, SmtpError } from "./connection.ts";
import { dotStuff, writeMessage } from "./message.ts";

const file = (path: unknown) => (path ? readFileSync(String(path), "utf8") : undefined);

/** The TLS options of `tls_config`, the server name defaulting to the smarthost's host. */
export function tlsOptions(config: Section | undefined, host: string): tls.ConnectionOptions {
  const name = (config?.server_name as string | undefined) || host;
  return {
    // The certificate is checked against `servername`, else `host`; SNI may not carry an IP.
    host,
    servername: isIP(name) ? undefined : name,
    rejectUnauthorized: config?.insecure_skip_verify !== true,
    ca: file(config?.ca_file),
    cert: file(config?.cert_file),
    key: file(config?.key_file),
  };
}

/** `host:port` split as Go's net.SplitHostPort (IPv6 hosts in brackets). */
export function splitHostPort(smarthost: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(smarthost);
  if (!m) throw new SmtpError(`Cannot connect: smarthost "${smarthost}" is not host:port`);
  return { host: m[1] ?? m[2] ?? "", port: Number(m[3]) };
}

const extensions = (ehlo: Reply) =>
  new Map(
    ehlo.lines.slice(1).map((l) => [l.split(" ")[0]!.toUpperCase(), l.slice(l.indexOf(" ") + 1)]),
  );

/** Sends `message` with the settings of its `email_configs` entry; never throws. */
export async function sendEmail(
  message: EmailMessage,
  config: Section,
  signal: AbortSignal,
): Promise<SendResult> {
  let c: SmtpConnection | undefined;
  try {
    const { host, port } = splitHostPort(message.smarthost);
    const tlsConfig = tlsOptions(config.tls_config as Section | undefined, host);
    const endpoint: Endpoint = { host, port, implicitTls: port === 465, tls: tlsConfig };
    c = await SmtpConnection.open(endpoint, signal);
    const hello = (config.hello as string | undefined) || "localhost";
    let ext = extensions(c.expect(await c.command(`EHLO ${hello}`), 250, "say EHLO"));
    if (config.require_tls !== false && !c.secure) {
      if (!ext.has("STARTTLS")) {
        const why = `require_tls is true (the default), but "${message.smarthost}" does not advertise the STARTTLS extension`;
        throw new SmtpError(`Cannot send e-mail: ${why}`);
      }
      c.expect(await c.command("STARTTLS"), 220, "start TLS");
      await c.startTls(tlsConfig);
      ext = extensions(c.expect(await c.command(`EHLO ${hello}`), 250, "say EHLO"));
    }
    const advertised = ext.get("AUTH");
    if (advertised !== undefined) {
      const creds = credentials(config);
      const mech = chooseMechanism(advertised, creds);
      if (mech) await authenticate(c, mech, creds, host);
    }
    c.expect(await c.command(`MAIL FROM:<${message.from}>`), 250, "send MAIL FROM");
    for (const to of message.to) {
      const r = await c.command(`RCPT TO:<${to}>`);
      if (r.code !== 250 && r.code !== 251) c.expect(r, 250, `send RCPT TO <${to}>`);
    }
    c.expect(await c.command("DATA"), 354, "send DATA");
    c.write(dotStuff(writeMessage(message)));
    c.expect(await c.read(), 250, "deliver the message");
    return { ok: true };
  } catch (error) {
    return failure(error, signal);
  } finally {
    await c?.close();
  }
}

function credentials(config: Section): Credentials {
  const password = config.auth_password_file
    ? file(config.auth_password_file)!.trim()
    : String(config.auth_password ?? "");
  return {
    username: String(config.auth_username ?? ""),
    password,
    secret: String(config.auth_secret ?? ""),
    identity: String(config.auth_identity ?? ""),
  };
}

/** The failure's reason; retried whatever it is, as Alertmanager 0.25 does. */
function failure(error: unknown, signal: AbortSignal): SendResult {
  const why = error instanceof Error ? error.message : String(error);
  if (signal.aborted) {
    return {
      ok: false,
      retry: true,
      reason: "timeout",
      message: "Cannot send e-mail: the attempt timed out",
    };
  }
  const code = error instanceof SmtpError ? error.code : undefined;
  const message = why.startsWith("Cannot") ? why : `Cannot send e-mail: ${why}`;
  const reason = code === undefined ? "other" : code >= 500 ? "clientError" : "serverError";
  return { ok: false, retry: true, reason, message };
}
