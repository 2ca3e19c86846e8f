import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { runProbe } from "./testdata/collect.ts";
import { type RawServer, rawServer, respond } from "./testdata/server.ts";

// What blackbox_exporter 0.23.0 shows when its timeout cuts a probe short: before the
// response head, status 0; during the body, the status and the bytes read so far, with the
// transfer phase running up to the timeout.

let server: RawServer;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onRejection);
  server = await rawServer((req, s) => {
    if (req.path === "/hang") return;
    if (req.path === "/hangbody") s.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
    if (req.path === "/slow") setTimeout(() => s.end(respond("200 OK", {}, "ok")), 150);
  });
});
afterAll(async () => {
  process.off("unhandledRejection", onRejection);
  await server.close();
});

/** Waits until the server has seen every probe connection close. */
async function connectionsClosed(): Promise<number> {
  for (let i = 0; i < 50 && server.openConnections() > 0; i++) await Bun.sleep(10);
  return server.openConnections();
}

describe("probeHttp() under its timeout", () => {
  test("a server that never answers fails at the timeout with status 0 and closes the socket", async () => {
    const started = performance.now();
    const { success, m, logs } = await runProbe(server.url("/hang"), {}, AbortSignal.timeout(150));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(success).toBe(false);
    expect(m.get("probe_http_status_code")).toBe(0);
    expect(m.get("probe_http_version")).toBe(0);
    expect(m.get("probe_http_duration_seconds", 'phase="connect"')).toBeGreaterThan(0);
    expect(m.get("probe_http_duration_seconds", 'phase="processing"')).toBe(0);
    expect(logs.join("\n")).toContain("TimeoutError");
    expect(await connectionsClosed()).toBe(0);
  });

  test("a body that stops keeps the status and counts the transfer up to the timeout", async () => {
    const { success, m } = await runProbe(server.url("/hangbody"), {}, AbortSignal.timeout(150));
    expect(success).toBe(false);
    expect(m.get("probe_http_status_code")).toBe(200);
    expect(m.get("probe_http_content_length")).toBe(100);
    expect(m.get("probe_http_uncompressed_body_length")).toBe(3);
    expect(m.get("probe_http_duration_seconds", 'phase="transfer"')).toBeGreaterThan(0.1);
    expect(await connectionsClosed()).toBe(0);
  });

  test("a slow answer within the timeout succeeds and shows in the processing phase", async () => {
    const { success, m } = await runProbe(server.url("/slow"), {}, AbortSignal.timeout(2000));
    expect(success).toBe(true);
    expect(m.get("probe_http_duration_seconds", 'phase="processing"')).toBeGreaterThan(0.14);
    expect(await connectionsClosed()).toBe(0);
  });

  test("an already aborted signal fails at once without connecting", async () => {
    const before = server.requests.length;
    const { success, m } = await runProbe(server.url("/slow"), {}, AbortSignal.abort());
    expect(success).toBe(false);
    expect(m.get("probe_http_status_code")).toBe(0);
    expect(server.requests.length).toBe(before);
  });

  test("no probe left an unhandled rejection behind", async () => {
    await Bun.sleep(20);
    expect(rejections).toEqual([]);
  });
});
