import { afterAll, expect, test } from "bun:test";
import { ask, refusal, serverOf } from "./server.ts";

/** Answers with the Authorization it got; `/never` never answers. */
const seen = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (req) =>
    new URL(req.url).pathname === "/never"
      ? new Promise<Response>(() => {})
      : new Response(req.headers.get("authorization") ?? "none"),
});
afterAll(() => seen.stop(true));
const base = `http://127.0.0.1:${seen.port}`;

test("serverOf() keeps credentials out of the URL: user info as Basic, a token as Bearer", async () => {
  const withUser = serverOf(`http://ad%40min:s3cret@127.0.0.1:${seen.port}/`, undefined);
  expect(withUser.url).toBe(base);
  expect((await ask(withUser, "/")).body).toBe(`Basic ${btoa("ad@min:s3cret")}`);
  const withToken = serverOf(base, "opt_abc");
  expect((await ask(withToken, "/")).body).toBe("Bearer opt_abc");
  expect((await ask(serverOf(base, undefined), "/")).body).toBe("none");
});

test("serverOf() takes --token first, then the URL's user, then OUTPOST_TOKEN", async () => {
  const before = process.env.OUTPOST_TOKEN;
  process.env.OUTPOST_TOKEN = "opt_env";
  try {
    const userUrl = `http://u:100%@127.0.0.1:${seen.port}`;
    expect((await ask(serverOf(userUrl, "opt_flag"), "/")).body).toBe("Bearer opt_flag");
    // A "%" that starts no escape is the password's own character.
    expect((await ask(serverOf(userUrl), "/")).body).toBe(`Basic ${btoa("u:100%")}`);
    expect((await ask(serverOf(base), "/")).body).toBe("Bearer opt_env");
  } finally {
    if (before === undefined) delete process.env.OUTPOST_TOKEN;
    else process.env.OUTPOST_TOKEN = before;
  }
});

test("serverOf() never says a URL's password when refusing it", () => {
  expect(() => serverOf("http://admin:pw@host:90900")).toThrow(
    '--server "http://host:90900": expected a URL',
  );
  expect(() => serverOf("http://admin:pw@host:90900")).not.toThrow("pw");
});

test("serverOf() refuses what is not an http(s) URL, with the URL it meant", () => {
  expect(() => serverOf("127.0.0.1:9090", undefined)).toThrow(
    '--server "127.0.0.1:9090": expected a URL such as http://127.0.0.1:9090',
  );
  expect(() => serverOf("ftp://h", undefined)).toThrow("expected an http:// or https:// URL");
});

test("ask() gives up on a server that never answers, saying so", async () => {
  await expect(ask(serverOf(base, undefined), "/never", {}, 200)).rejects.toThrow(
    "no answer within 0.2 s",
  );
});

test("refusal() says what a refused answer means, with the API's own error", () => {
  expect(refusal(401, '{"status":"error","error":"missing or invalid token"}')).toBe(
    "401 missing or invalid token (log in with --token or OUTPOST_TOKEN, an API token from `outpost token create`)",
  );
  expect(refusal(404, "")).toBe("404 (is this an Outpost aggregator?)");
  expect(refusal(502, "bad gateway\n")).toBe("502 bad gateway");
});
