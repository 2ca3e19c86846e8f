import { readFileSync } from "node:fs";
import { type ConnectionOptions, connect, credsAuthenticator, type NatsConnection } from "nats";
import type { NatsConnectionConfig } from "../../shared/config/nats.ts";
import { logger } from "../../shared/log/log.ts";
import { nkeyFileAuthenticator } from "../../shared/nats/nkey.ts";
import { type KeyValueStore, natsKeyValue } from "./kv.ts";
import { connectionKey } from "./message_ids.ts";
import { LogBatchPublisher } from "./publish_logs.ts";

const log = logger("nats-connection");

/**
 * Connects to NATS, waiting for the server on the first connect and reconnecting forever
 * after: the aggregator has nothing to do without it, and JetStream keeps the batches meanwhile.
 */
export async function connectNats(
  config: NatsConnectionConfig,
  name: string,
  warnEveryMs = WAIT_WARNING_MS,
): Promise<NatsConnection> {
  const options: ConnectionOptions = {
    ...serverOptions(config, name),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    waitOnFirstConnect: true,
    ignoreAuthErrorAbort: true,
    timeout: 5_000,
  };
  // nats.js waits in silence: say so while it does, or a start looks hung.
  const started = Date.now();
  const waiting = setInterval(() => {
    log.warn("Waiting for NATS: not reachable yet, still trying", {
      connection: name,
      servers: config.url.map(hostOf).join(","),
      waited_s: Math.round((Date.now() - started) / 1000),
    });
  }, warnEveryMs);
  try {
    return await connect(options);
  } finally {
    clearInterval(waiting);
  }
}

/** How often a first connection still waiting for NATS says so. */
const WAIT_WARNING_MS = 10_000;

/** A server's host and port, without credentials a URL may hold. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(a bad URL)";
  }
}

/** A short-lived connection for a command line tool, and the KV buckets on it. */
export interface KvConnection {
  keyValue(bucket: string): KeyValueStore;
  /** Publishes log records of Outpost's own (the CLIs' audit records) on `<subjectPrefix>.…`. */
  logPublisher(subjectPrefix: string): LogBatchPublisher;
  close(): Promise<void>;
}

/** Connects once for a command: fails within 5 s when NATS is not there, instead of waiting. */
export async function connectKv(config: NatsConnectionConfig, name: string): Promise<KvConnection> {
  const nc = await connect({
    ...serverOptions(config, name),
    maxReconnectAttempts: 0,
    timeout: 5_000,
  });
  const key = connectionKey(() => nc);
  return {
    keyValue: (bucket) => natsKeyValue(nc, bucket),
    logPublisher: (prefix) => new LogBatchPublisher(() => nc.jetstream(), prefix, key),
    close: () => nc.close(),
  };
}

/** Where the server is and how to authenticate to it. */
function serverOptions(config: NatsConnectionConfig, name: string): ConnectionOptions {
  const creds = config.creds_file;
  const nkey = config.nkey_file;
  return {
    servers: config.url,
    name,
    // nats.js otherwise makes an Error (with its stack) at every request and subscription, in
    // case one fails: ~3 µs each, a tenth of a KV read's CPU. Failures keep their message and
    // the client's own frames, which is all the logs print (String(err)).
    noAsyncTraces: true,
    user: config.user,
    pass: config.password,
    token: config.token,
    tls: config.tls && {
      caFile: config.tls.ca_file,
      certFile: config.tls.cert_file,
      keyFile: config.tls.key_file,
    },
    authenticator: creds
      ? credsAuthenticator(() => readFileSync(creds))
      : nkey
        ? nkeyFileAuthenticator(nkey)
        : undefined,
  };
}
