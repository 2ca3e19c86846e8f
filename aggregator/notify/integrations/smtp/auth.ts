/**
 * SMTP authentication as Alertmanager chooses it: no AUTH without `auth_username`; otherwise
 * the first mechanism in the server's advertised order that Alertmanager knows and has a
 * credential for — CRAM-MD5 (`auth_secret`), PLAIN (`auth_password`, `auth_identity`) or LOGIN
 * (`auth_password`). Like Go's smtp.PlainAuth, PLAIN is refused over an unencrypted connection
 * to anything but localhost.
 */
import { createHmac } from "node:crypto";
import { type SmtpConnection, SmtpError } from "./connection.ts";

/** The credentials of an `email_configs` entry (the password already read from its file). */
export interface Credentials {
  readonly username: string;
  readonly password: string;
  readonly secret: string;
  readonly identity: string;
}

/** A chosen mechanism. */
export type Mechanism = "CRAM-MD5" | "PLAIN" | "LOGIN";

/** The mechanism Alertmanager would use for `advertised` (the AUTH line); throws SmtpError. */
export function chooseMechanism(advertised: string, c: Credentials): Mechanism | undefined {
  if (!c.username) return undefined;
  const missing: string[] = [];
  for (const mech of advertised.split(" ")) {
    if (mech === "CRAM-MD5") {
      if (c.secret) return mech;
      missing.push("missing secret for CRAM-MD5 auth mechanism");
    } else if (mech === "PLAIN" || mech === "LOGIN") {
      if (c.password) return mech;
      missing.push(`missing password for ${mech} auth mechanism`);
    }
  }
  throw new SmtpError(
    `Cannot authenticate: ${missing.length ? missing.join("; ") : `unknown auth mechanism: ${advertised}`}`,
  );
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const unb64 = (s: string) => Buffer.from(s, "base64").toString("utf8");
const LOCAL = new Set(["localhost", "127.0.0.1", "::1"]);

/** The CRAM-MD5 answer to a challenge (RFC 2195): user, space, hex HMAC-MD5 of the challenge. */
export function cramMd5(username: string, secret: string, challenge: string): string {
  return `${username} ${createHmac("md5", secret).update(challenge).digest("hex")}`;
}

/** Runs the AUTH exchange of `mech`; throws SmtpError when the server refuses. */
export async function authenticate(
  c: SmtpConnection,
  mech: Mechanism,
  creds: Credentials,
  host: string,
): Promise<void> {
  let reply: Awaited<ReturnType<SmtpConnection["read"]>>;
  if (mech === "PLAIN") {
    if (!c.secure && !LOCAL.has(host)) {
      throw new SmtpError("Cannot authenticate with PLAIN: the connection is not encrypted");
    }
    reply = await c.command(
      `AUTH PLAIN ${b64(`${creds.identity}\0${creds.username}\0${creds.password}`)}`,
    );
  } else if (mech === "CRAM-MD5") {
    const challenge = c.expect(await c.command("AUTH CRAM-MD5"), 334, "start CRAM-MD5");
    reply = await c.command(
      b64(cramMd5(creds.username, creds.secret, unb64(challenge.lines[0] ?? ""))),
    );
  } else {
    reply = await c.command("AUTH LOGIN");
    while (reply.code === 334) {
      // Alertmanager knows only "Username:" and "Password:"; servers word them differently
      // (aiosmtpd: "User Name\0"), so the prompt's first word decides.
      const prompt = unb64(reply.lines[0] ?? "").toLowerCase();
      const answer = prompt.startsWith("user")
        ? creds.username
        : prompt.startsWith("pass")
          ? creds.password
          : undefined;
      if (answer === undefined) {
        throw new SmtpError("Cannot authenticate with LOGIN: unexpected server challenge");
      }
      reply = await c.command(b64(answer));
    }
  }
  // The reply names the mechanism but never a credential.
  c.expect(reply, 235, `authenticate with ${mech}`);
}
