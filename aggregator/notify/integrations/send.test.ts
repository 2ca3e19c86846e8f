import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postJson } from "./request.ts";
import { authorization, retryable, send } from "./send.ts";

const seen: Record<string, string | null>[] = [];
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    seen.push({ authorization: req.headers.get("authorization"), body: await req.text() });
    const status = Number(new URL(req.url).pathname.slice(1));
    if (status === 299) return Response.json({ ok: false, description: "chat not found" });
    if (status === 999) await Bun.sleep(2000);
    return new Response(`status ${status}`, { status: status === 999 ? 200 : status });
  },
});
afterAll(() => server.stop(true));
const url = (status: number) => `http://127.0.0.1:${server.port}/${status}`;
const signal = () => AbortSignal.timeout(1000);

// What Alertmanager 0.25 did when the sink answered these codes (see send.ts).
test.each([
  ["slack", 503, true],
  ["slack", 429, false],
  ["discord", 429, false],
  ["webhook", 400, false],
  ["pagerduty", 429, true],
  ["opsgenie", 429, true],
  ["opsgenie", 400, false],
  ["telegram", 400, true],
] as const)("retryable(%s, %d) is %p", (kind, status, retry) => {
  expect(retryable(kind, status)).toBe(retry);
});

describe("send()", () => {
  test("reports a 2xx as sent", async () => {
    expect(await send("slack", postJson(url(200), {}), undefined, signal())).toEqual({
      ok: true,
      status: 200,
    });
  });
  test("classifies a 503 as a retried server error and quotes the body", async () => {
    expect(await send("discord", postJson(url(503), {}), undefined, signal())).toEqual({
      ok: false,
      retry: true,
      reason: "serverError",
      message: "Cannot send to discord: unexpected status code 503: status 503",
    });
  });
  test("classifies a 400 to Slack as final", async () => {
    const r = await send("slack", postJson(url(400), {}), undefined, signal());
    expect(r).toMatchObject({ ok: false, retry: false, reason: "clientError" });
  });
  test("takes Telegram's ok:false answer as a failure", async () => {
    const r = await send("telegram", postJson(url(299), {}), undefined, signal());
    expect(r).toMatchObject({ ok: false, retry: true });
  });
  test("reports a hanging receiver as a retried timeout", async () => {
    const r = await send("slack", postJson(url(999), {}), undefined, AbortSignal.timeout(100));
    expect(r).toMatchObject({ ok: false, retry: true, reason: "timeout" });
  });
  test("adds http_config credentials unless the request carries its own", async () => {
    seen.length = 0;
    const basic = { basic_auth: { username: "u", password: "p" } };
    await send("slack", postJson(url(200), {}), basic, signal());
    await send("slack", postJson(url(200), {}), { authorization: { credentials: "t" } }, signal());
    await send(
      "opsgenie",
      postJson(url(200), {}, { Authorization: "GenieKey k" }),
      basic,
      signal(),
    );
    expect(seen.map((s) => s.authorization)).toEqual([
      `Basic ${btoa("u:p")}`,
      "Bearer t",
      "GenieKey k",
    ]);
  });
});

describe("authorization()", () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-send-auth-"));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), `${text}\n`);
    return join(dir, name);
  };
  const basic = (user: string, pass: string) =>
    `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
  test.each([
    ["basic auth", { basic_auth: { username: "u", password: "p" } }, basic("u", "p")],
    [
      "basic auth from files (Alertmanager's username_file)",
      {
        basic_auth: { username_file: file("user", "fu"), password_file: file("pass", "fp") },
      },
      basic("fu", "fp"),
    ],
    ["authorization without a type", { authorization: { credentials: "c" } }, "Bearer c"],
    [
      "authorization from a file",
      { authorization: { type: "Token", credentials_file: file("cred", "fc") } },
      "Token fc",
    ],
    ["a bearer token file", { bearer_token_file: file("bearer", "fb") }, "Bearer fb"],
    ["nothing", {}, undefined],
  ])("reads %s", (_what, http, want) => {
    expect(authorization(http)).toBe(want);
  });
});
