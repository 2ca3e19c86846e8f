/**
 * Alertmanager 0.25 and Outpost send the same notification through the same email_configs to
 * the same real SMTP server (aiosmtpd with STARTTLS and AUTH): the envelope, Subject, To, From,
 * written headers and the text part are equal, and the HTML parts (Outpost's page is its own)
 * carry the same facts. Also what 0.25 does on a refused password: it retries.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadAlertmanagerConfig } from "../../aggregator/notify/config/load.ts";
import type { Integration } from "../../aggregator/notify/config/model.ts";
import { emailMessage } from "../../aggregator/notify/integrations/email.ts";
import { sendEmail } from "../../aggregator/notify/integrations/smtp/send.ts";
import { loadTemplateSet, Renderer } from "../../aggregator/notify/integrations/templates.ts";
import type { NotificationData } from "../../aggregator/notify/receivers/data.ts";
import {
  type Alertmanager,
  type Sink,
  startAlertmanager,
  startSink,
} from "../harness/notify_sink.ts";
import { type SmtpServer, startSmtpServer } from "../harness/smtp_server.ts";

let smtp: SmtpServer;
let refusing: SmtpServer;
let sink: Sink;
let am: Alertmanager;
let integrations: Map<string, Integration>;
let templates: Awaited<ReturnType<typeof loadTemplateSet>>;

const ALERTS = [
  {
    labels: { alertname: "DiskFull", instance: "db1", mount: '/var <data> & "logs"' },
    annotations: { summary: "Disk 97% full ✓", runbook: "https://wiki/runbooks?id=disk+full" },
    generatorURL: "http://prometheus:9090/graph?g0.expr=disk",
  },
  {
    labels: { alertname: "DiskFull", instance: "db2", mount: "/" },
    annotations: { summary: "Disk 91% full ✓" },
    generatorURL: "http://prometheus:9090/graph?g0.expr=disk",
  },
];

/**
 * An HTML part whose actions land in links: html/template filters a URL that starts with a
 * scheme other than http, https or mailto to `#ZgotmplZ` and percent-encodes what a URL may
 * not hold, where it escapes text as text.
 */
const LINKS_HTML = [
  '<a href="{{ "javascript:alert(1)" }}">js</a>',
  '<a href="{{ (index .Alerts 0).GeneratorURL }}">source</a>',
  `<a href='{{ "http://x/a b\\"c<é>" }}'>odd</a>`,
  '<a HREF="{{ "MAILTO:ops@example.org" }}">mail</a>',
  '<img src="{{ "data:image/png;base64,AA" }}" alt="{{ "javascript:x" }}">',
  '<a href="https://wiki/{{ "javascript:x" }}">later</a>',
  '<p title="{{ "a+b" }}">{{ "javascript:x" }} &amp; <b>{{ "a+b <c>" }}</b></p>',
  '<a href="/search?q={{ "a b&c/d" }}#{{ "é" }}">query</a>',
  '<a href="{{ "http://a" }}{{ "javascript:x" }}">two</a>',
  '<a href="/r?receiver={{ "x y/z" | urlquery }}">urlquery</a>',
].join("\n");

function config(): string {
  const email = (s: SmtpServer, to: string, password: string) => ({
    to,
    from: '"Alerts, Outpost" <alerts@example.org>',
    smarthost: s.address,
    hello: "mail.example.org",
    auth_username: "alerts",
    auth_password: password,
    tls_config: { ca_file: s.caFile, server_name: "localhost" },
    headers: {
      "X-Team": "storage ✓",
      subject: "{{ .Status }}: {{ .CommonLabels.alertname }} ({{ len .Alerts }})",
    },
    text: '{{ template "__text_alert_list" .Alerts }}',
  });
  return JSON.stringify({
    route: {
      receiver: "mail",
      group_by: ["alertname"],
      group_wait: "1s",
      group_interval: "1s",
      repeat_interval: "1h",
      routes: [{ matchers: ['alertname="Refused"'], receiver: "refused" }],
    },
    receivers: [
      {
        name: "mail",
        email_configs: [
          email(smtp, 'ops@example.org, "DB team" <db@example.org>', "s3cret"),
          { ...email(smtp, "defaults@example.org", "s3cret"), headers: {}, text: undefined },
          { ...email(smtp, "links@example.org", "s3cret"), html: LINKS_HTML },
        ],
        webhook_configs: [{ url: `${sink.url}/hook` }],
      },
      { name: "refused", email_configs: [email(refusing, "ops@example.org", "wrong")] },
    ],
  });
}

async function waitFor(done: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 20_000; !done(); await Bun.sleep(50))
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
}

beforeAll(async () => {
  smtp = await startSmtpServer({
    auth: { user: "alerts", password: "s3cret", mechanisms: "PLAIN LOGIN" },
  });
  refusing = await startSmtpServer({
    auth: { user: "alerts", password: "right", mechanisms: "PLAIN" },
  });
  sink = startSink();
  am = await startAlertmanager(config());
  await am.post([...ALERTS, { labels: { alertname: "Refused" } }]);
  await waitFor(
    () => smtp.mails.length >= 3 && sink.requests.length >= 1,
    "Alertmanager's e-mails",
  );
  const loaded = await loadAlertmanagerConfig(join(am.dir, "alertmanager.yml"));
  templates = await loadTemplateSet(loaded.templates);
  const mail = loaded.receivers.find((r) => r.name === "mail")!.integrations;
  integrations = new Map(
    mail.filter((i) => i.kind === "email_configs").map((i) => [String(i.config.to), i]),
  );
}, 40_000);

afterAll(async () => {
  await am?.stop();
  sink?.stop();
  await smtp?.stop();
  await refusing?.stop();
});

/** Sends, as Outpost, the notification Alertmanager sent (its webhook's data) through `to`'s entry. */
async function outpostSends(to: string) {
  const data = JSON.parse(sink.requests[0]!.body) as NotificationData & { groupKey: string };
  const integration = integrations.get(to)!;
  const message = await emailMessage(integration.config, {
    render: new Renderer(templates, data),
    groupKey: data.groupKey,
  });
  const before = smtp.mails.length;
  expect(await sendEmail(message, integration.config, AbortSignal.timeout(5000))).toEqual({
    ok: true,
  });
  await waitFor(() => smtp.mails.length > before, "Outpost's e-mail");
  return {
    data,
    ours: smtp.mails[before]!,
    theirs: smtp.mails.find((m) => m.to.join() === message.to.join())!,
  };
}

/** What an HTML part must show: every label and annotation (escaped) and each source. */
function facts(data: NotificationData): string[] {
  const esc = (s: string) =>
    s
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&#34;")
      .replace(/\+/g, "&#43;");
  return data.alerts.flatMap((a) => [
    ...Object.entries(a.labels).flatMap(([k, v]) => [esc(k), esc(v)]),
    ...Object.entries(a.annotations).flatMap(([k, v]) => [esc(k), esc(v)]),
    esc(a.generatorURL),
  ]);
}

test("Alertmanager 0.25 and Outpost escape actions in links alike (html/template's URL filter)", async () => {
  const { ours, theirs } = await outpostSends("links@example.org");
  expect(theirs.parts["text/html"]).toContain("#ZgotmplZ");
  expect(ours.parts["text/html"]).toBe(theirs.parts["text/html"]!);
});

describe.each([
  ['ops@example.org, "DB team" <db@example.org>', "written headers and text"],
  ["defaults@example.org", "the defaults"],
])("Alertmanager 0.25 and Outpost e-mail to %s (%s)", (to) => {
  test("with the same envelope, Subject, To, From, headers and text part", async () => {
    const { ours, theirs } = await outpostSends(to);
    const comparable = (m: typeof ours) => ({
      from: m.from,
      to: m.to,
      headers: Object.fromEntries(
        ["Subject", "To", "From", "X-Team", "MIME-Version"].map((h) => [h, m.headers[h]]),
      ),
      parts: Object.keys(m.parts),
      text: m.parts["text/plain"],
    });
    expect(comparable(ours)).toEqual(comparable(theirs));
    expect(theirs.headers.Subject).toContain("DiskFull"); // present, not undefined on both sides
    expect(theirs.from).toBe("alerts@example.org");
    for (const m of [ours, theirs]) {
      expect(m.headers["Message-Id"]).toMatch(/^<\d+\.\d+@.+>$/);
      expect(m.headers["Content-Type"]).toMatch(/^multipart\/alternative;\s+boundary=\w+$/);
      expect(Number.isNaN(Date.parse(m.headers.Date!))).toBe(false);
    }
  });

  test("with HTML parts that carry the same facts", async () => {
    const { data, ours, theirs } = await outpostSends(to);
    const missing = (html: string) => facts(data).filter((f) => !html.includes(f));
    expect(missing(theirs.parts["text/html"]!)).toEqual([]);
    expect(missing(ours.parts["text/html"]!)).toEqual([]);
  });
});

test("both say EHLO with hello, STARTTLS, say it again and authenticate with PLAIN", () => {
  const conversations = new Map<number, string[]>();
  for (const e of smtp.events) {
    const step =
      "hostname" in e
        ? `ehlo ${e.hostname} tls=${e.tls}`
        : "ok" in e
          ? `auth ${e.mechanism} ${e.ok}`
          : e.event;
    conversations.set(e.peer, [...(conversations.get(e.peer) ?? []), step]);
  }
  // Three e-mails from Alertmanager, and Outpost's five (one for links, two per test above).
  expect([...conversations.values()]).toEqual(
    Array(8).fill([
      "connect",
      "ehlo mail.example.org tls=false",
      "ehlo mail.example.org tls=true",
      "auth PLAIN true",
      "mail",
    ]),
  );
});

test("Alertmanager 0.25 retries a refused password (535), as Outpost does", async () => {
  await waitFor(
    () => refusing.events.filter((e) => e.event === "auth").length >= 2,
    "a second AUTH",
  );
  expect(refusing.events.filter((e) => e.event === "auth").every((e) => "ok" in e && !e.ok)).toBe(
    true,
  );
  const integration = (
    await loadAlertmanagerConfig(join(am.dir, "alertmanager.yml"))
  ).receivers.find((r) => r.name === "refused")!.integrations[0]!;
  const message = {
    smarthost: refusing.address,
    from: "alerts@example.org",
    to: ["ops@example.org"],
    headers: {},
  };
  expect(await sendEmail(message, integration.config, AbortSignal.timeout(5000))).toMatchObject({
    ok: false,
    retry: true,
    reason: "clientError",
  });
});
