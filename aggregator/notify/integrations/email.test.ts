import { describe, expect, test } from "bun:test";
import type { NotificationData } from "../receivers/data.ts";
import { addresses, canonicalHeader, emailMessage } from "./email.ts";
import { Renderer, templateSet } from "./templates.ts";

const data: NotificationData = {
  receiver: "mail",
  status: "firing",
  alerts: [
    {
      status: "firing",
      labels: { alertname: "Down", job: "a<b>" },
      annotations: { summary: "x & y" },
      startsAt: "2024-05-01T10:00:00Z",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prom/graph",
      fingerprint: "f1",
    },
  ],
  groupLabels: { alertname: "Down" },
  commonLabels: { alertname: "Down", job: "a<b>" },
  commonAnnotations: { summary: "x & y" },
  externalURL: "http://am:9093",
};
const input = { render: new Renderer(templateSet(), data), groupKey: "{}:{}" };

describe("emailMessage()", () => {
  test("has Alertmanager's default headers and envelope", async () => {
    const m = await emailMessage(
      { to: '"Ops" <ops@x.org>, b@y.org', from: "am@x.org", smarthost: "mx:25" },
      input,
    );
    expect(m).toMatchObject({
      smarthost: "mx:25",
      from: "am@x.org",
      to: ["ops@x.org", "b@y.org"],
      headers: {
        Subject: "[FIRING:1] Down (a<b>)",
        To: '"Ops" <ops@x.org>, b@y.org',
        From: "am@x.org",
      },
      text: undefined,
    });
  });
  test("templates written headers and replaces defaults whatever their case", async () => {
    const m = await emailMessage(
      {
        to: "a@x",
        from: "b@x",
        headers: { subject: "S {{ .Status }}", "x-team": "{{ .CommonLabels.job }}" },
      },
      input,
    );
    expect(m.headers).toEqual({ Subject: "S firing", To: "a@x", From: "b@x", "X-Team": "a<b>" });
  });
  test("escapes values in the HTML part and keeps the text part as text", async () => {
    const m = await emailMessage(
      {
        to: "a@x",
        from: "b@x",
        text: "{{ .CommonAnnotations.summary }}",
        html: "<p>{{ .CommonAnnotations.summary }}</p>",
      },
      input,
    );
    expect([m.text, m.html]).toEqual(["x & y", "<p>x &amp; y</p>"]);
  });
  test("renders Outpost's default HTML page with every alert", async () => {
    const m = await emailMessage({ to: "a@x", from: "b@x" }, input);
    expect(m.html).toContain("<title>[FIRING:1] Down (a&lt;b&gt;)</title>");
    expect(m.html).toContain("<b>job</b> = a&lt;b&gt;<br>");
    expect(m.html).toContain('<a href="http://am:9093/#/alerts?receiver=mail">');
  });
});

test("canonicalHeader() and addresses() read names and lists as Go does", () => {
  expect(canonicalHeader("x-MY-header")).toBe("X-My-Header");
  expect(addresses('"Doe, J" <j@x>, k@y')).toEqual(["j@x", "k@y"]);
});
