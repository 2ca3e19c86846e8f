/**
 * A receiver's test: one firing `TestAlert` sent through each of its integrations, one
 * attempt each, every outcome reported. `outpost notify test` and the Connect API's
 * TestReceiver both send it.
 */
import { receiveAlert } from "../alerts.ts";
import type { FailureReason, Sender } from "./integration.ts";

/** How one integration took the test notification. */
export interface TestOutcome {
  /** `webhook[0]`, `slack[1]`: the integration's kind and index in the receiver. */
  readonly integration: string;
  readonly ok: boolean;
  readonly reason?: FailureReason;
  readonly message?: string;
  readonly latencyMs: number;
}

/** How long one integration may take to answer the test. */
export const TEST_TIMEOUT_MS = 30_000;

/** Sends the test alert through `senders` (a receiver's integrations), one after the other. */
export async function sendTestAlert(
  receiver: string,
  senders: readonly Sender[],
  now: number = Date.now(),
  signal?: AbortSignal,
): Promise<TestOutcome[]> {
  const labels = { alertname: "TestAlert", receiver };
  const alert = receiveAlert(
    { labels, annotations: { summary: "A test notification from outpost notify test" } },
    now,
    5 * 60_000,
  );
  const out: TestOutcome[] = [];
  for (const [i, sender] of senders.entries()) {
    const timeout = AbortSignal.timeout(TEST_TIMEOUT_MS);
    const ctx = {
      receiver,
      groupKey: `{}:{alertname="TestAlert"}`,
      groupLabels: { alertname: "TestAlert" },
      now,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    };
    const started = performance.now();
    const r = await sender.send(ctx, [{ ...alert, endsAt: 0 }]);
    const latencyMs = Math.round(performance.now() - started);
    const integration = `${sender.kind}[${i}]`;
    out.push(
      r.ok
        ? { integration, ok: true, latencyMs }
        : { integration, ok: false, reason: r.reason, message: r.message, latencyMs },
    );
  }
  return out;
}
