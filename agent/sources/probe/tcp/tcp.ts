import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { ipPreference } from "../fields.ts";
import type { ProbeContext } from "../prober.ts";
import { resolveTarget } from "../resolve.ts";
import { writeTlsMetrics } from "../tls.ts";
import type { TcpProbeConfig } from "./config.ts";
import { type DialTarget, dial, startTls } from "./dial.ts";
import { compileExpect } from "./expect.ts";
import { LineReader } from "./lines.ts";
import { splitHostPort } from "./target.ts";

/** What a probe run keeps between steps. */
interface Conversation {
  ctx: ProbeContext<TcpProbeConfig>;
  target: DialTarget;
  /** The connection in use: the TLS socket after a `starttls` step. */
  socket: Socket | null;
  /** probe_failed_due_to_regex: set when the connection ends before an `expect` matched. */
  regexFailed: number;
}

/**
 * blackbox_exporter's `tcp` prober: connects to `host:port` (with TLS when `tls` is set), then
 * holds the `query_response` conversation; success when every step passed. Writes
 * probe_failed_due_to_regex always, the resolve families, and the TLS families once a TLS
 * session (from the start or after `starttls`) is up.
 */
export async function probeTcp(ctx: ProbeContext<TcpProbeConfig>): Promise<boolean> {
  const run: Conversation = {
    ctx,
    target: { address: "", family: 4, port: 0, host: "" },
    socket: null,
    regexFailed: 0,
  };
  const onAbort = () => run.socket?.destroy(new Error("timed out"));
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  try {
    await connect(run);
    await converse(run);
    return true;
  } catch (error) {
    ctx.log.debug("Probe failed", { target: ctx.target, err: (error as Error).message });
    return false;
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    run.socket?.destroy();
    ctx.w.family("probe_failed_due_to_regex", "gauge", "Indicates if probe failed due to regex");
    ctx.w.sample("probe_failed_due_to_regex", [], run.regexFailed);
  }
}

async function connect(run: Conversation): Promise<void> {
  const { config, w, signal } = run.ctx;
  const { host, port } = splitHostPort(run.ctx.target);
  const resolved = await resolveTarget(host, ipPreference(config), w, signal);
  run.target = { ...resolved, port, host, source: config.source_ip_address };
  const socket = await dial(run.target, config.tls ? config.tls_config : null, signal);
  run.socket = socket;
  if (config.tls) writeTlsMetrics(w, socket as TLSSocket);
}

async function converse(run: Conversation): Promise<void> {
  const { config, w, signal } = run.ctx;
  let reader = new LineReader(run.socket!);
  for (const step of config.query_response) {
    let send = step.send;
    if (step.expect !== "") {
      const expect = compileExpect(step.expect);
      let groups: readonly (string | undefined)[] | null = null;
      for (let line = await reader.readLine(); line !== null; line = await reader.readLine()) {
        groups = expect.search(line);
        if (groups) break;
      }
      if (!groups) {
        run.regexFailed = 1;
        throw new Error(`Cannot find a line matching "${step.expect}": the connection was closed`);
      }
      run.regexFailed = 0;
      send = expect.expand(send, groups);
    }
    if (send !== "") await writeLine(run.socket!, send);
    if (step.starttls) {
      reader.detach();
      const secured = await startTls(run.socket!, run.target, config.tls_config, signal);
      run.socket = secured;
      writeTlsMetrics(w, secured);
      reader = new LineReader(secured);
    }
  }
}

function writeLine(socket: Socket, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.write(`${line}\n`, (error) => {
      if (error) reject(new Error(`Cannot send "${line}": ${error.message}`));
      else resolve();
    });
  });
}
