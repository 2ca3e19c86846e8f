/**
 * E-mail over SMTP against a real server (Debian's python3-aiosmtpd via test/harness/smtp_server.ts):
 * STARTTLS and AUTH as Alertmanager negotiates them, refusals classified and counted, a server
 * that is down retried until the flush's deadline.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { receiveAlert } from "../../aggregator/notify/alerts.ts";
import { parseAlertmanagerConfig } from "../../aggregator/notify/config/load.ts";
import { ManualClock } from "../../aggregator/notify/dispatch/clock.ts";
import { deliver, NotifyMetrics } from "../../aggregator/notify/dispatch/deliver.ts";
import { AggregationGroup } from "../../aggregator/notify/dispatch/group.ts";
import { SmtpConnection } from "../../aggregator/notify/integrations/smtp/connection.ts";
import { tlsOptions } from "../../aggregator/notify/integrations/smtp/send.ts";
import { templateSet } from "../../aggregator/notify/integrations/templates.ts";
import { MemoryNotificationLog } from "../../aggregator/notify/nflog.ts";
import { EmailSender } from "../../aggregator/notify/receivers/email.ts";
import type { NotifyContext, Sender } from "../../aggregator/notify/receivers/integration.ts";
import { buildRoutes } from "../../aggregator/notify/route/route.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import { freePort } from "../harness/ports.ts";
import {
  type SmtpServer,
  type SmtpServerOptions,
  startSmtpServer,
} from "../harness/smtp_server.ts";

const servers: SmtpServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});
async function server(options: SmtpServerOptions): Promise<SmtpServer> {
  const s = await startSmtpServer(options);
  servers.push(s);
  return s;
}

const T = Date.now();
const alert = {
  ...receiveAlert({ labels: { alertname: "DiskFull", instance: "db1" } }, T, 300_000),
  endsAt: 0,
};

/** An e-mail sender for `receivers[0].email_configs[0]` of a file with `email` as that entry. */
function emailSender(email: string): Sender {
  const yaml = `route: {receiver: mail, group_by: [alertname]}\nreceivers:\n  - name: mail\n    email_configs:\n      - ${email.trim().replace(/\n/g, "\n        ")}\n`;
  const config = parseAlertmanagerConfig(yaml, "am.yml");
  const integration = config.receivers[0]!.integrations[0]!;
  return new EmailSender(integration, templateSet(), () => "http://outpost:9090");
}

const ctx = (): NotifyContext => ({
  receiver: "mail",
  groupKey: '{}:{alertname="DiskFull"}',
  groupLabels: { alertname: "DiskFull" },
  now: T,
  signal: AbortSignal.timeout(5000),
});

const base = (s: SmtpServer) => `
smarthost: ${s.address}
from: '"Outpost" <outpost@example.org>'
to: 'ops@example.org, "DB team" <db@example.org>'
tls_config: {ca_file: ${s.caFile}, server_name: localhost}`;

describe("sending e-mail over SMTP", () => {
  test("STARTTLS then AUTH PLAIN delivers to every recipient with Alertmanager's MIME layout", async () => {
    const s = await server({
      auth: { user: "alert", password: "s3cret", mechanisms: "PLAIN LOGIN" },
    });
    const sender = emailSender(`${base(s)}
hello: outpost.example.org
auth_username: alert
auth_password: s3cret
text: 'Firing: {{ len .Alerts.Firing }}'
headers: {X-Team: 'db ✓'}`);
    expect(await sender.send(ctx(), [alert])).toEqual({ ok: true });
    expect(
      s.events.map((e) =>
        "tls" in e
          ? `ehlo ${e.hostname} tls=${e.tls}`
          : e.event === "auth"
            ? `auth ${e.mechanism} ${e.ok}`
            : e.event,
      ),
    ).toEqual([
      "connect",
      "ehlo outpost.example.org tls=false",
      "ehlo outpost.example.org tls=true",
      "auth PLAIN true",
      "mail",
    ]);
    const [mail] = s.mails;
    expect(mail!.from).toBe("outpost@example.org");
    expect(mail!.to).toEqual(["ops@example.org", "db@example.org"]);
    expect(mail!.headers).toMatchObject({
      Subject: "[FIRING:1] DiskFull (db1)",
      To: 'ops@example.org, "DB team" <db@example.org>',
      From: '"Outpost" <outpost@example.org>',
      "X-Team": "db ✓",
      "MIME-Version": "1.0",
    });
    expect(mail!.headers["Message-Id"]).toMatch(/^<\d+\.\d+@.+>$/);
    expect(Math.abs(Date.parse(mail!.headers.Date!) - Date.now())).toBeLessThan(60_000);
    expect(mail!.headers["Content-Type"]).toMatch(/^multipart\/alternative;\s+boundary=\w+$/);
    expect(Object.keys(mail!.parts)).toEqual(["text/plain", "text/html"]);
    expect(mail!.parts["text/plain"]).toBe("Firing: 1");
    expect(mail!.parts["text/html"]).toContain("<b>instance</b> = db1");
  });

  // The first mechanism the server lists that Alertmanager knows and has a credential for.
  test.each([
    ["LOGIN CRAM-MD5", "auth_password: pw\nauth_secret: pw", "LOGIN"],
    ["CRAM-MD5 PLAIN", "auth_password: pw\nauth_secret: pw", "CRAM-MD5"],
    ["CRAM-MD5 PLAIN", "auth_password: pw", "PLAIN"],
  ])(
    "a server offering %s is answered with the right mechanism",
    async (mechanisms, creds, used) => {
      const s = await server({ auth: { user: "u", password: "pw", mechanisms } });
      const sender = emailSender(`${base(s)}\nauth_username: u\n${creds}`);
      expect(await sender.send(ctx(), [alert])).toEqual({ ok: true });
      const auths = s.events.flatMap((e) => (e.event === "auth" ? [[e.mechanism, e.ok]] : []));
      expect(auths).toEqual([[used, true]]);
      expect(s.mails).toHaveLength(1);
    },
  );

  test("a wrong password is refused, named without the password, retried and counted", async () => {
    const s = await server({ auth: { user: "u", password: "right" } });
    const sender = emailSender(`${base(s)}\nauth_username: u\nauth_password: wrong-pw`);
    const { result, registry, attempts } = await deliverOnce(sender);
    expect(result).toBe(false);
    expect(attempts).toBeGreaterThan(1);
    // Counted once, under the last attempt's reason: the 535 (clientError), or a timeout when
    // the flush's deadline cut a retry short (the manual clock jumps 500 ms at a time).
    expect(registry.render()).toMatch(
      /outpost_notifications_failed_total\{integration="email",reason="(clientError|timeout)"\} 1\n/,
    );
    const attempt = await sender.send(ctx(), [alert]);
    expect(attempt).toMatchObject({ ok: false, retry: true, reason: "clientError" });
    expect(attempt.ok || attempt.message).toMatch(
      /^Cannot authenticate with (CRAM-MD5|PLAIN|LOGIN): the server answered 535/,
    );
    expect(JSON.stringify(attempt)).not.toContain("wrong-pw");
    expect(s.mails).toHaveLength(0);
  });

  test("require_tls against a server without STARTTLS fails, naming the smarthost", async () => {
    const s = await server({ tls: false });
    const attempt = await emailSender(base(s)).send(ctx(), [alert]);
    expect(attempt).toEqual({
      ok: false,
      retry: true,
      reason: "other",
      message: `Cannot send e-mail: require_tls is true (the default), but "${s.address}" does not advertise the STARTTLS extension`,
    });
    expect(s.mails).toHaveLength(0);
    // The same server takes it with require_tls: false.
    expect(await emailSender(`${base(s)}\nrequire_tls: false`).send(ctx(), [alert])).toEqual({
      ok: true,
    });
  });

  test("a recipient refused with 550 counts as a client error, one refused with 450 as a server error", async () => {
    for (const [reply, reason] of [
      ["550 5.1.1 no such user", "clientError"],
      ["450 4.2.1 try later", "serverError"],
    ] as const) {
      const s = await server({ rcptReply: reply });
      const attempt = await emailSender(base(s)).send(ctx(), [alert]);
      expect(attempt).toMatchObject({ ok: false, retry: true, reason });
      expect(attempt.ok || attempt.message).toContain(reply);
    }
  });

  // What sendEmail() does for port 465; the port itself is not bound here (it is shared).
  test("a connection with implicit TLS is encrypted from the greeting on, and verified", async () => {
    const s = await server({ tls: "implicit" });
    const [host, port] = s.address.split(":") as [string, string];
    const endpoint = (ca?: string) => ({
      host,
      port: Number(port),
      implicitTls: true,
      tls: tlsOptions(ca ? { ca_file: ca, server_name: "localhost" } : undefined, host),
    });
    const c = await SmtpConnection.open(endpoint(s.caFile), AbortSignal.timeout(5000));
    expect(c.secure).toBe(true);
    expect((await c.command("EHLO outpost")).code).toBe(250);
    await c.close();
    // Without the CA the self-signed certificate is refused.
    await expect(SmtpConnection.open(endpoint(), AbortSignal.timeout(5000))).rejects.toThrow(
      /Cannot connect/,
    );
  });

  test("a server that is down is retried until the flush's deadline, then counted once", async () => {
    const sender = emailSender(
      `smarthost: 127.0.0.1:${await freePort()}\nfrom: a@x.org\nto: b@x.org`,
    );
    const { result, registry, attempts } = await deliverOnce(sender);
    expect(result).toBe(false);
    expect(attempts).toBeGreaterThan(3);
    expect(registry.render()).toContain(
      'outpost_notifications_failed_total{integration="email",reason="other"} 1',
    );
    expect(registry.render()).toContain('outpost_notifications_total{integration="email"} 1');
  });
});

/** One flush's delivery through `sender` on a manual clock, its retries counted. */
async function deliverOnce(sender: Sender) {
  const clock = new ManualClock(T);
  const registry = new Registry();
  const config = parseAlertmanagerConfig(
    "route: {receiver: mail, group_interval: 5s}\nreceivers: [{name: mail}]\n",
    "am.yml",
  );
  const group = new AggregationGroup(
    buildRoutes(config.route),
    { alertname: "DiskFull" },
    '{}:{alertname="DiskFull"}',
    clock,
    async () => true,
  );
  let attempts = 0;
  let inFlight = false;
  const counting: Sender = {
    kind: sender.kind,
    sendResolved: false,
    send: async (c, a) => {
      attempts++;
      inFlight = true;
      try {
        return await sender.send(c, a);
      } finally {
        inFlight = false;
      }
    },
  };
  const deps = {
    nflog: new MemoryNotificationLog(() => clock.now()),
    clock,
    metrics: new NotifyMetrics(registry),
    signal: new AbortController().signal,
  };
  let done = false;
  const delivery = deliver(deps, group, "mail", counting, 0, [alert], clock.now()).finally(() => {
    done = true;
  });
  // Real sockets, manual time: the clock moves (the backoff, the deadline) only between attempts.
  for (let i = 0; i < 500 && !done; i++) {
    await Bun.sleep(10);
    if (!inFlight) await clock.advance(500);
  }
  return { result: await delivery, registry, attempts };
}
