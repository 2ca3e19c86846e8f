import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSink } from "../test/harness/alertmanager.ts";
import { sendTestNotification } from "./notify_test.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-notify-test-"));
const sink = startSink((path) => (path === "/fail" ? 500 : 200));
const file = join(dir, "am.yml");
writeFileSync(
  file,
  `route: {receiver: ok}
receivers:
  - name: ok
    webhook_configs: [{url: "${sink.url}/ok"}]
  - name: bad
    webhook_configs: [{url: "${sink.url}/fail"}]
`,
);
afterAll(() => {
  sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("sendTestNotification()", () => {
  test.each([
    ["a working receiver exits 0", "ok", 0, "/ok"],
    ["a failing receiver exits 1", "bad", 1, "/fail"],
    ["an unknown receiver exits 1", "nope", 1, undefined],
  ])("%s", async (_, receiver, code, path) => {
    const before = sink.received.length;
    expect(await sendTestNotification(file, receiver)).toBe(code);
    expect(sink.received.slice(before).at(0)?.path).toBe(path);
  });
});
