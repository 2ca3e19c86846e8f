import { afterAll, describe, expect, test } from "bun:test";
import { receiveAlert } from "../alerts.ts";
import { WebhookSender, webhookMessage } from "./webhook.ts";

const T = Date.parse("2024-05-01T10:00:00Z");
const alert = (labels: Record<string, string>, endsAt = 0) => ({
  ...receiveAlert({ labels }, T, 300_000),
  endsAt,
});
const ctx = {
  receiver: "team.a",
  groupKey: '{}:{alertname="X"}',
  groupLabels: { alertname: "X" },
  now: T,
};

describe("webhookMessage()", () => {
  test("writes version 4 with Alertmanager's fields, quoting the receiver as a regex", () => {
    const m = webhookMessage(
      ctx,
      [alert({ alertname: "X", a: "1" }), alert({ alertname: "X", a: "2" }, T)],
      0,
      "http://o",
    );
    expect(m).toMatchObject({
      version: "4",
      receiver: "team\\.a",
      status: "firing",
      truncatedAlerts: 0,
      commonLabels: { alertname: "X" },
      externalURL: "http://o",
    });
    expect(m.alerts.map((a) => [a.status, a.endsAt])).toEqual([
      ["firing", "0001-01-01T00:00:00Z"],
      ["resolved", "2024-05-01T10:00:00Z"],
    ]);
    expect(Object.keys(m)).toEqual([
      "receiver",
      "status",
      "alerts",
      "groupLabels",
      "commonLabels",
      "commonAnnotations",
      "externalURL",
      "version",
      "groupKey",
      "truncatedAlerts",
    ]);
  });

  test.each([
    [0, 3, 0],
    [2, 2, 1],
    [5, 3, 0],
  ])("max_alerts %i keeps %i alerts and counts %i truncated", (max, kept, truncated) => {
    const alerts = ["1", "2", "3"].map((a) => alert({ alertname: "X", a }));
    const m = webhookMessage(ctx, alerts, max, "");
    expect([m.alerts.length, m.truncatedAlerts]).toEqual([kept, truncated]);
  });
});

const seen: { auth: string | null; status: number; url: string }[] = [];
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const status = Number(new URL(req.url).searchParams.get("status") ?? 200);
    if (new URL(req.url).pathname === "/hang") await Bun.sleep(2000);
    if (new URL(req.url).pathname === "/token") {
      const ok = req.headers.get("authorization") === `Basic ${btoa("hook:s3cret")}`;
      if (!ok) return Response.json({ error: "invalid_client" }, { status: 401 });
      return Response.json({ access_token: "tok-o", expires_in: 600 });
    }
    seen.push({ auth: req.headers.get("authorization"), status, url: req.url });
    return new Response("", { status });
  },
});
afterAll(() => server.stop(true));
const base = `http://127.0.0.1:${server.port}`;

describe("WebhookSender", () => {
  test.each([
    ["200 is a success", `${base}/?status=200`, {}, { ok: true }],
    [
      "503 is retried",
      `${base}/?status=503`,
      {},
      { ok: false, retry: true, reason: "serverError" },
    ],
    [
      "400 is not retried",
      `${base}/?status=400`,
      {},
      { ok: false, retry: false, reason: "clientError" },
    ],
    [
      "timeout gives up",
      `${base}/hang`,
      { timeout: 100 },
      { ok: false, retry: true, reason: "timeout" },
    ],
    [
      "a refused connection is retried",
      "http://127.0.0.1:1/",
      {},
      { ok: false, retry: true, reason: "other" },
    ],
  ])("%s", async (_, url, extra, want) => {
    const s = new WebhookSender({ url, max_alerts: 0, ...extra }, true, () => "");
    const r = await s.send({ ...ctx, signal: new AbortController().signal }, [
      alert({ alertname: "X" }),
    ]);
    expect(r).toMatchObject(want);
  });

  test.each([
    ["basic auth", { basic_auth: { username: "u", password: "p" } }, "Basic dTpw"],
    ["authorization", { authorization: { credentials: "tok" } }, "Bearer tok"],
    ["bearer_token", { bearer_token: "tok2" }, "Bearer tok2"],
  ])("sends %s from http_config", async (_, http, header) => {
    const s = new WebhookSender(
      { url: `${base}/`, max_alerts: 0, http_config: http },
      true,
      () => "",
    );
    await s.send({ ...ctx, signal: new AbortController().signal }, [alert({ alertname: "X" })]);
    expect(seen.at(-1)?.auth).toBe(header);
  });

  test("sends an OAuth 2 token from http_config, asked of the token endpoint once", async () => {
    const oauth2 = { client_id: "hook", client_secret: "s3cret", token_url: `${base}/token` };
    const s = new WebhookSender(
      { url: `${base}/`, max_alerts: 0, http_config: { oauth2 } },
      true,
      () => "",
    );
    for (let i = 0; i < 2; i++) {
      const r = await s.send({ ...ctx, signal: new AbortController().signal }, [
        alert({ alertname: "X" }),
      ]);
      expect(r).toEqual({ ok: true });
      expect(seen.at(-1)?.auth).toBe("Bearer tok-o");
    }
  });

  test("goes through http_config's proxy_url", async () => {
    const s = new WebhookSender(
      { url: "http://hooks.invalid/x", max_alerts: 0, http_config: { proxy_url: base } },
      true,
      () => "",
    );
    const r = await s.send({ ...ctx, signal: new AbortController().signal }, [
      alert({ alertname: "X" }),
    ]);
    expect(r).toEqual({ ok: true });
    expect(seen.at(-1)?.url).toBe("http://hooks.invalid/x");
  });
});
