import { afterEach, expect, spyOn, test } from "bun:test";
import { type NatsServerHandle, startNatsServer } from "../../test/harness/nats.ts";
import { freePort } from "../../test/harness/ports.ts";
import { connectNats } from "./connect.ts";

let server: NatsServerHandle | undefined;
afterEach(async () => {
  await server?.stop();
});

test("connectNats() says it is waiting while NATS is not there, then connects when it comes", async () => {
  const port = await freePort();
  const lines: string[] = [];
  const spy = spyOn(process.stderr, "write").mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const url = `nats://user:secret@127.0.0.1:${port}`;
    const connecting = connectNats({ url: [url] }, "test-connection", 100);
    while (!lines.some((l) => l.includes("Waiting for NATS"))) await Bun.sleep(20);
    const warning = lines.find((l) => l.includes("Waiting for NATS")) ?? "";
    expect(warning).toContain("level=warn");
    expect(warning).toContain(`servers=127.0.0.1:${port}`);
    expect(warning).not.toContain("secret");
    server = await startNatsServer({ port });
    const nc = await connecting;
    const before = lines.length;
    await Bun.sleep(300);
    // Connected: no more warnings.
    expect(lines.slice(before).filter((l) => l.includes("Waiting for NATS"))).toEqual([]);
    await nc.close();
  } finally {
    spy.mockRestore();
  }
}, 30_000);
