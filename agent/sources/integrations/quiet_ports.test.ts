import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { TCPSocketListener } from "bun";
import { answeredOtherThanHttp, QuietPorts, speaksFirst } from "./quiet_ports.ts";

describe("the ports a probe may send a GET", () => {
  let greeter: TCPSocketListener;
  let silent: TCPSocketListener;
  const written: string[] = [];

  beforeAll(() => {
    // A server that speaks first, as nats-server's client port does, and notes what it is sent.
    greeter = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open: (s) => void s.write('INFO {"server_id":"x"}\r\n'),
        data: (_s, d) => void written.push(d.toString()),
      },
    });
    silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  });
  afterAll(() => {
    greeter.stop(true);
    silent.stop(true);
  });

  test("a port that greets speaks first; one that waits does not; neither is written to", async () => {
    expect(await speaksFirst(greeter.port)).toBe(true);
    expect(await speaksFirst(silent.port)).toBe(false);
    await Bun.sleep(50);
    expect(written).toEqual([]);
  });

  test("candidates leave out greeters and the well-known ports of client-first protocols", async () => {
    const quiet = new QuietPorts([5672, 25672]);
    expect(await quiet.candidates([greeter.port, silent.port, 5672, 25672])).toEqual([silent.port]);
    // Remembered: a greeter is not connected to again.
    expect(await quiet.candidates([greeter.port])).toEqual([]);
  });

  test("a port that answered a GET other than in HTTP is not asked again; a timeout is", async () => {
    const quiet = new QuietPorts([]);
    const get = (port: number) =>
      fetch(`http://127.0.0.1:${port}/varz`, { signal: AbortSignal.timeout(300) });
    const [malformed, timedOut] = await Promise.all(
      [greeter.port, silent.port].map((p) => get(p).catch((e) => e)),
    );
    expect(answeredOtherThanHttp(malformed)).toBe(true);
    expect(answeredOtherThanHttp(timedOut)).toBe(false);
    await quiet.ask(silent.port, Promise.reject(timedOut)).catch(() => {});
    expect(await quiet.candidates([silent.port])).toEqual([silent.port]);
    expect(quiet.isQuiet(silent.port)).toBe(false);
    const reset = new Error("Cannot fetch x: ECONNRESET: closed unexpectedly");
    await expect(quiet.ask(silent.port, Promise.reject(reset))).rejects.toBe(reset);
    expect(await quiet.candidates([silent.port])).toEqual([]);
    expect(quiet.isQuiet(silent.port)).toBe(true);
  });
});
