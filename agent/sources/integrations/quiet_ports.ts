/**
 * Which of a service's listening ports may be sent an HTTP GET when the agent looks for its
 * monitoring endpoint among them. A probe must leave no trace in the service's own log, but
 * a GET on a port of another protocol does: nats-server logs `[ERR] … Client parser ERROR`
 * (or an authentication error) for one on its client port, RabbitMQ `closing AMQP connection
 * … bad_header` for one on 5672. Where a service has no HTTP endpoint at all, the agent looks
 * again every collection, so those lines came every 15 s, for ever.
 *
 * Three rules, in order:
 * - a port whose server speaks first is not HTTP, which waits to be asked: nats-server's
 *   client, route, leafnode and gateway ports send `INFO {…}` at once. The agent connects,
 *   reads, and closes before writing anything, which nats-server does not log.
 * - protocols whose client speaks first (AMQP, MQTT, STOMP, Erlang's distribution) cannot be
 *   told from HTTP without writing to them: their well-known port numbers are left out.
 * - a port that answered a GET other than in HTTP (a malformed answer, or a reset: AMQP writes
 *   its own header and closes) is not asked again while the collector lives; a port of such a
 *   protocol on a number of the user's choosing costs one line in its log when the service is
 *   first found. The collector lives as long as the service's runner: a failed collection
 *   closes its connections but keeps what it learnt here.
 */
import { connectWithin } from "./socket.ts";

/** Well-known ports of protocols whose client speaks first, never sent a GET. */
export const CLIENT_FIRST_PORTS: readonly number[] = [
  4369, // Erlang's epmd
  5671, // AMQP over TLS
  5672, // AMQP
  5551, // RabbitMQ streams over TLS
  5552, // RabbitMQ streams
  25672, // Erlang distribution (RabbitMQ: the AMQP port + 20000)
  1883, // MQTT
  8883, // MQTT over TLS
  61613, // STOMP
  61614, // STOMP over TLS
];

/** How long a port is given to speak first: loopback answers in well under a millisecond. */
export const GREETING_WAIT_MS = 250;

/** True when the server on `port` (loopback) sends bytes before it is sent any. */
export async function speaksFirst(port: number, waitMs = GREETING_WAIT_MS): Promise<boolean> {
  let greet = () => {};
  const greeted = new Promise<boolean>((resolve) => {
    greet = () => resolve(true);
  });
  // Refused or slow to accept: nothing to learn here; the GET after it fails as it would have.
  const socket = await connectWithin(`127.0.0.1:${port}`, { data: () => greet() }, waitMs).catch(
    () => null,
  );
  if (socket === null) return false;
  try {
    return await Promise.race([greeted, Bun.sleep(waitMs).then(() => false)]);
  } finally {
    socket.end();
  }
}

/**
 * True for a GET's failure that came from an answer other than HTTP. Bun names both in the
 * message, which the integrations' fetch (status_page.ts) keeps in its own.
 */
export function answeredOtherThanHttp(err: unknown): boolean {
  return err instanceof Error && /Malformed_HTTP_Response|ECONNRESET/.test(err.message);
}

/** The ports of one service that a probe may send a GET, remembering those that are not HTTP. */
export class QuietPorts {
  private readonly notHttp = new Set<number>();

  constructor(private readonly clientFirst: readonly number[] = CLIENT_FIRST_PORTS) {}

  /** The ports of `ports` that may be sent a GET, by the rules above (greetings in parallel). */
  async candidates(ports: readonly number[], waitMs = GREETING_WAIT_MS): Promise<number[]> {
    const left = ports.filter((p) => !this.clientFirst.includes(p) && !this.notHttp.has(p));
    const spoke = await Promise.all(left.map((p) => speaksFirst(p, waitMs)));
    for (const [i, p] of left.entries()) if (spoke[i]) this.notHttp.add(p);
    return left.filter((_, i) => !spoke[i]);
  }

  /** True once `port` is known not to serve HTTP: no probe sends it a GET again. */
  isQuiet(port: number): boolean {
    return this.clientFirst.includes(port) || this.notHttp.has(port);
  }

  /** `get` of `port`, as it is; a failure from another protocol is remembered, not repeated. */
  async ask<T>(port: number, get: Promise<T>): Promise<T> {
    try {
      return await get;
    } catch (err) {
      if (answeredOtherThanHttp(err)) this.notHttp.add(port);
      throw err;
    }
  }
}
