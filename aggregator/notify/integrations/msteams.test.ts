import { afterAll, describe, expect, test } from "bun:test";
import { startSink } from "../../../test/harness/notify_sink.ts";
import type { NotificationData } from "../receivers/data.ts";
import { msteamsRequest, msteamsv2Request } from "./msteams.ts";
import { send } from "./send.ts";
import { Renderer, templateSet } from "./templates.ts";

const alert = (status: "firing" | "resolved", instance: string) => ({
  status,
  labels: { alertname: "Down", instance },
  annotations: { summary: "gone" },
  startsAt: "2024-05-01T10:00:00Z",
  endsAt: status === "firing" ? "0001-01-01T00:00:00Z" : "2024-05-01T10:05:00Z",
  generatorURL: "http://prom/graph",
  fingerprint: instance,
});
const data = (...alerts: ReturnType<typeof alert>[]): NotificationData => ({
  receiver: "teams",
  status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved",
  alerts,
  groupLabels: { alertname: "Down" },
  commonLabels: alerts.length === 1 ? alerts[0]!.labels : { alertname: "Down" },
  commonAnnotations: { summary: "gone" },
  externalURL: "http://am:9093",
});
const input = (d: NotificationData) => ({
  render: new Renderer(templateSet(), d),
  groupKey: "{}:{}",
});

// Alertmanager's msteams.default.text for one firing alert and one resolved one, written out
// from its default.tmpl by hand: a leading newline, a block per status, each alert's lists.
const MIXED_TEXT =
  "\n\n# Alerts Firing:\n\nLabels:\n  - alertname = Down\n  - instance = a\n\nAnnotations:\n" +
  "  - summary = gone\n\nSource: http://prom/graph\n\n\n\n\n# Alerts Resolved:\n\nLabels:\n" +
  "  - alertname = Down\n  - instance = b\n\nAnnotations:\n  - summary = gone\n\n" +
  "Source: http://prom/graph\n\n\n\n";

describe("msteamsRequest()", () => {
  test("posts Alertmanager's MessageCard with its default title, summary and text", async () => {
    const config = { webhook_url: "http://teams/hook" };
    const [r] = await msteamsRequest(
      config,
      input(data(alert("firing", "a"), alert("resolved", "b"))),
    );
    expect(r!.url).toBe("http://teams/hook");
    expect(r!.headers["Content-Type"]).toBe("application/json");
    expect(r!.body).toBe(
      `${JSON.stringify({
        "@context": "http://schema.org/extensions",
        type: "MessageCard",
        title: "[FIRING:1] Down ", // __subject ends with a space when no label is left to add
        summary: "[FIRING:1] Down ",
        text: MIXED_TEXT,
        themeColor: "8C1A1A",
      })}\n`,
    );
  });

  test("colours a resolved notification green and renders the user's templates", async () => {
    const config = { webhook_url: "http://t", title: "T {{ .Status }}", summary: "S", text: "<b>" };
    const [r] = await msteamsRequest(config, input(data(alert("resolved", "a"))));
    expect(r!.body).toBe(
      '{"@context":"http://schema.org/extensions","type":"MessageCard","title":"T resolved",' +
        '"summary":"S","text":"\\u003cb\\u003e","themeColor":"2DC72D"}\n',
    );
  });
});

describe("msteamsv2Request()", () => {
  test.each([
    ["firing", "Attention", "[FIRING:1] Down (a)"],
    ["resolved", "Good", "[RESOLVED] Down (a)"],
  ] as const)(
    "posts the Adaptive Card of a %s notification in colour %s",
    async (status, color, title) => {
      const [r] = await msteamsv2Request(
        { webhook_url: "http://flow/run" },
        input(data(alert(status, "a"))),
      );
      // Go's template leaves the newlines around the block it skips: one more before a
      // resolved block, one more after a firing one.
      const text =
        (status === "firing" ? "\n\n# Alerts Firing:" : "\n\n\n# Alerts Resolved:") +
        "\n\nLabels:\n  - alertname = Down\n  - instance = a\n\nAnnotations:\n  - summary = gone\n\n" +
        `Source: http://prom/graph\n\n\n\n${status === "firing" ? "\n" : ""}`;
      expect(r!.body).toBe(
        `${JSON.stringify({
          type: "message",
          attachments: [
            {
              contentType: "application/vnd.microsoft.card.adaptive",
              contentUrl: null,
              content: {
                $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
                type: "AdaptiveCard",
                version: "1.2",
                body: [
                  {
                    type: "TextBlock",
                    text: title,
                    weight: "Bolder",
                    size: "Medium",
                    wrap: true,
                    style: "heading",
                    color,
                  },
                  { type: "TextBlock", text, wrap: true },
                ],
                msteams: { width: "full" },
              },
            },
          ],
        })}\n`,
      );
    },
  );
});

describe("sending to Teams", () => {
  const sink = startSink();
  afterAll(() => sink.stop());

  test("the sink receives the card, and a refused connection is retried", async () => {
    const [r] = await msteamsRequest(
      { webhook_url: `${sink.url}/hook` },
      input(data(alert("firing", "a"))),
    );
    expect(await send("msteams", r!, undefined, AbortSignal.timeout(2000))).toMatchObject({
      ok: true,
    });
    expect(sink.requests.at(-1)).toMatchObject({ method: "POST", path: "/hook", body: r!.body });
    const failing = await msteamsv2Request(
      { webhook_url: "http://127.0.0.1:1/x" },
      input(data(alert("firing", "a"))),
    );
    expect(
      await send("msteamsv2", failing[0]!, undefined, AbortSignal.timeout(2000)),
    ).toMatchObject({ ok: false, retry: true });
  });
});
