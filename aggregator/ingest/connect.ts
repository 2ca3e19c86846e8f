import { readFileSync } from "node:fs";
import { type ConnectionOptions, connect, credsAuthenticator, type NatsConnection } from "nats";
import type { NatsConnectionConfig } from "../../shared/config/nats.ts";

/**
 * Connects to NATS, waiting for the server on the first connect and reconnecting forever
 * after: the aggregator has nothing to do without it, and JetStream keeps the batches meanwhile.
 */
export function connectNats(config: NatsConnectionConfig, name: string): Promise<NatsConnection> {
  const creds = config.creds_file;
  const options: ConnectionOptions = {
    servers: config.url,
    name,
    user: config.user,
    pass: config.password,
    token: config.token,
    tls: config.tls && {
      caFile: config.tls.ca_file,
      certFile: config.tls.cert_file,
      keyFile: config.tls.key_file,
    },
    authenticator: creds ? credsAuthenticator(() => readFileSync(creds)) : undefined,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    waitOnFirstConnect: true,
    ignoreAuthErrorAbort: true,
    timeout: 5_000,
  };
  return connect(options);
}
