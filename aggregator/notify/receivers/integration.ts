/**
 * What the dispatcher sends through: one integration of a receiver (a `webhook_configs`
 * entry, …), which reports success or a failure with its reason and whether to retry.
 */
import type { StoredAlert } from "../alerts.ts";
import type { LabelSet } from "../route/route.ts";

/** Why a send failed, the `reason` label of `outpost_notifications_failed_total`. */
export type FailureReason = "clientError" | "serverError" | "timeout" | "other";

/** The outcome of one attempt. */
export type SendResult =
  | { readonly ok: true; readonly status?: number }
  | {
      readonly ok: false;
      readonly retry: boolean;
      readonly reason: FailureReason;
      readonly message: string;
    };

/** What one notification is about. */
export interface NotifyContext {
  readonly receiver: string;
  readonly groupKey: string;
  readonly groupLabels: LabelSet;
  /** The flush time, Unix ms. */
  readonly now: number;
  /** Aborts the attempt (the flush's deadline, or the integration's own timeout). */
  readonly signal: AbortSignal;
}

/** One integration of a receiver. */
export interface Sender {
  /** `webhook`, `email`, … (the `integration` label of the metrics). */
  readonly kind: string;
  readonly sendResolved: boolean;
  /** Sends one notification attempt. */
  send(ctx: NotifyContext, alerts: readonly StoredAlert[]): Promise<SendResult>;
}
