/**
 * Runs Debian's dnsmasq as a real DNS server for tests: UDP and TCP on one free port of
 * 127.0.0.1, no upstream servers, no /etc/hosts, and only the records a test passes as
 * dnsmasq options (`--host-record`, `--cname`, `--mx-host`, `--txt-record`, `--srv-host`,
 * `--auth-zone` for SOA and NS answers, …). Every started server is killed when the test
 * process exits.
 */
import { connect } from "node:net";
import type { Subprocess } from "bun";
import { freePort } from "./ports.ts";

/** Where Debian installs dnsmasq. */
export const DNSMASQ_BINARY = "/usr/sbin/dnsmasq";

/** A running dnsmasq. */
export interface DnsmasqHandle {
  /** `127.0.0.1:<port>`, as a DNS probe target. */
  readonly address: string;
  readonly port: number;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

const STDERR_TAIL_BYTES = 4_096;
const live = new Set<Subprocess>();
process.once("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

/**
 * Starts dnsmasq serving `records` (dnsmasq options) and resolves once it accepts TCP
 * connections. A port taken between choosing and binding is retried with a fresh one.
 */
export async function startDnsmasq(records: readonly string[]): Promise<DnsmasqHandle> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await start(port, records);
    } catch (err) {
      if (attempt >= 3 || !/in use/i.test((err as Error).message)) throw err;
    }
  }
}

/** dnsmasq's command line: in the foreground on 127.0.0.1:`port`, serving `records` alone. */
export function dnsmasqCommand(port: number, records: readonly string[]): string[] {
  return [
    DNSMASQ_BINARY,
    "--no-daemon",
    "--keep-in-foreground",
    `--port=${port}`,
    "--listen-address=127.0.0.1",
    "--bind-interfaces",
    "--no-resolv",
    "--no-hosts",
    "--conf-file=/dev/null",
    // No pid file: the default one in /run is shared by all instances (and needs root).
    "--pid-file=",
    ...records,
  ];
}

async function start(port: number, records: readonly string[]): Promise<DnsmasqHandle> {
  const proc = Bun.spawn(dnsmasqCommand(port, records), {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  live.add(proc);
  proc.exited.then(() => live.delete(proc));
  const stderr = tail(proc.stderr);
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill();
    await proc.exited;
  };
  const deadline = Date.now() + 5_000;
  while (!(await accepts(port))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Cannot start dnsmasq on port ${port}: ${(await stderr()).trim()}`);
    }
    await Bun.sleep(20);
  }
  return { address: `127.0.0.1:${port}`, port, stop };
}

/** Keeps the last bytes of a stream (so the pipe never fills) for error messages. */
function tail(stream: ReadableStream<Uint8Array>): () => Promise<string> {
  let text = "";
  const done = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of stream)
      text = (text + decoder.decode(chunk, { stream: true })).slice(-STDERR_TAIL_BYTES);
  })();
  return async () => {
    await Promise.race([done, Bun.sleep(100)]);
    return text;
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
