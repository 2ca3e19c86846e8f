/**
 * The main thread's side of the ICMP worker: one long-lived worker thread for all ICMP probes,
 * started on the first ping and unref'd so that it never keeps the agent alive.
 *
 * `bun build --compile` must be given worker.ts as an extra entry point, or the worker cannot
 * start in the single-file agent (every ping then ends with an error that says so).
 */
import { ptr } from "bun:ffi";
import { readdirSync } from "node:fs";
import { C, errno, errnoText, libc } from "./libc.ts";
import type { FromWorker, PingRequest, PingResult, ToWorker } from "./protocol.ts";

/** A safety net: the probe's signal normally cancels a ping long before this. */
const MAX_WAIT_MS = 10 * 60 * 1000;

const unavailable: PingResult = {
  outcome: "unavailable",
  setupSeconds: 0,
  rttSeconds: 0,
  hopLimit: -1,
  raw: false,
};

interface Waiting {
  resolve: (result: PingResult) => void;
  setupSeconds: number;
  raw: boolean;
}

/** Sends pings through the worker thread. */
export class Pinger {
  private worker: Worker | null = null;
  private wakeFd = -1;
  private readonly posted = new Int32Array(new SharedArrayBuffer(4));
  private readonly one = new BigUint64Array([1n]);
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  /** Sends one echo request and resolves with its outcome; a `timeout` when `signal` aborts first. */
  ping(request: PingRequest, signal: AbortSignal): Promise<PingResult> {
    let worker: Worker;
    try {
      worker = this.start();
    } catch (error) {
      return Promise.resolve({ ...unavailable, message: (error as Error).message });
    }
    const id = this.nextId++;
    return new Promise<PingResult>((resolve) => {
      const onAbort = () => {
        const w = this.waiting.get(id);
        if (!w) return;
        this.waiting.delete(id);
        this.send(worker, { type: "cancel", id });
        resolve({ ...unavailable, outcome: "timeout", setupSeconds: w.setupSeconds, raw: w.raw });
      };
      const done = (result: PingResult) => {
        signal.removeEventListener("abort", onAbort);
        resolve(result);
      };
      this.waiting.set(id, { resolve: done, setupSeconds: 0, raw: false });
      signal.addEventListener("abort", onAbort, { once: true });
      this.send(worker, { type: "ping", id, request, maxWaitMs: MAX_WAIT_MS });
      if (signal.aborted) onAbort();
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    if (this.wakeFd < 0) {
      this.wakeFd = libc().eventfd(0, C.EFD_NONBLOCK | C.EFD_CLOEXEC);
      if (this.wakeFd < 0) throw new Error(`Cannot create an eventfd: ${errnoText(errno())}`);
    }
    // A replacement worker counts received messages from zero: so must the shared counter,
    // or it would think it is always behind and spin.
    Atomics.store(this.posted, 0, 0);
    const worker = new Worker(workerUrl());
    worker.unref();
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    worker.onerror = (event) => {
      worker.terminate();
      if (this.worker !== worker) return;
      this.worker = null;
      this.fail(`Cannot run the ICMP worker: ${event.message}`);
    };
    this.worker = worker;
    this.send(worker, { type: "init", wakeFd: this.wakeFd, posted: this.posted });
    return worker;
  }

  private send(worker: Worker, message: ToWorker): void {
    Atomics.add(this.posted, 0, 1);
    worker.postMessage(message);
    // Wakes the worker out of poll() so that it takes the message.
    libc().write(this.wakeFd, ptr(this.one), 8);
  }

  private receive(message: FromWorker): void {
    const w = this.waiting.get(message.id);
    if (!w) return;
    if (message.type === "sent") {
      w.setupSeconds = message.setupSeconds;
      w.raw = message.raw;
      return;
    }
    this.waiting.delete(message.id);
    w.resolve(message.result);
  }

  private fail(message: string): void {
    for (const w of this.waiting.values()) {
      w.resolve({ ...unavailable, message });
    }
    this.waiting.clear();
  }
}

const BUNFS = "/$bunfs/root";

/**
 * Where worker.ts is: beside this file, or in a single-file agent at its path relative to the
 * common folder of the build's entry points (/$bunfs/root/…/probe/icmp/worker.js), which only
 * the build command decides, so it is looked up.
 */
function workerUrl(): URL | string {
  if (!import.meta.url.includes("/$bunfs/")) return new URL("./worker.ts", import.meta.url);
  const embedded = (readdirSync(BUNFS, { recursive: true }) as string[]).map((p) => `/${p}`);
  // The longest tail of this file's path in the repository wins: another worker.js may exist.
  const parts = "agent/sources/probe/icmp/worker.js".split("/");
  for (let i = 0; i < parts.length; i++) {
    const tail = `/${parts.slice(i).join("/")}`;
    const found = embedded.find((path) => path.endsWith(tail));
    if (found) return `${BUNFS}${found}`;
  }
  throw new Error(
    "Cannot start the ICMP worker: this binary was built without agent/sources/probe/icmp/worker.ts as an entry point",
  );
}

/** The agent's one pinger. */
export const pinger = new Pinger();
