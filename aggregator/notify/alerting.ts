/**
 * One tenant's alerting side, wired in one place: the notifier (with its alertmanager.yml),
 * its Alertmanager API v2 (tenants.ts routes each request to its tenant's), the silences and the
 * rest of the state the aggregators share through NATS KV, each keyed or named by the tenant. The HTTP routes exist from the start; the parts that need
 * NATS start once the ingest consumer has connected (`connect()`).
 */
import { type Context, Hono } from "hono";
import type { Registry } from "../../shared/metrics/registry.ts";
import { untilAborted } from "../../shared/runtime/signal.ts";
import { fromHttp } from "../audit/actor.ts";
import type { Audit } from "../audit/record.ts";
import { DEFAULT_TENANT } from "../auth/tenants.ts";
import type { NatsState } from "../ingest/nats_link.ts";
import type { NotifiedAlert } from "../rules/eval/alert.ts";
import { silenceRoutes } from "./api/silences.ts";
import { alertmanagerApi } from "./api/v2.ts";
import { NFLOG_BUCKET } from "./ha/kv_nflog.ts";
import type { NotifierLease } from "./ha/leadership.ts";
import { NOTIFIER_LEASE_TTL, type SharedState } from "./ha/runtime.ts";
import { ALERTS_BUCKET } from "./ha/shared_alerts.ts";
import type { HistorySink } from "./history/writer.ts";
import { type AlertLimit, createNotifier, type Notifier } from "./notifier.ts";
import { NotifierReloader } from "./reload.ts";
import { SILENCES_BUCKET, SilenceStore } from "./silences/store.ts";

/** A tenant's notifier, silences and shared state in an aggregator. */
export class Alerting {
  private silences: SilenceStore | null = null;
  private silenceApi: Hono | null = null;
  private audit: Audit | undefined;

  private readonly reloader: NotifierReloader;

  private constructor(
    readonly notifier: Notifier,
    private readonly registry: Registry,
    configFile: string,
    readonly tenant: string,
  ) {
    this.reloader = new NotifierReloader(configFile, notifier, registry);
  }

  /** The alerting side of `tenant` for its alertmanager.yml, or null without one. */
  static async create(
    configFile: string | undefined,
    registry: Registry,
    externalURL: () => string,
    history?: HistorySink,
    tenant = DEFAULT_TENANT,
    alertLimit?: AlertLimit,
  ): Promise<Alerting | null> {
    let self: Alerting | null = null;
    const notifier = await createNotifier(
      configFile,
      registry,
      externalURL,
      (labels, now) => self?.silences?.isSilenced(labels, now) ?? [],
      history,
      alertLimit,
    );
    self = notifier && configFile ? new Alerting(notifier, registry, configFile, tenant) : null;
    return self;
  }

  /** The shared silences, null until NATS is connected. */
  get silenceStore(): SilenceStore | null {
    return this.silences;
  }

  /**
   * Alertmanager's API v2 of this tenant, silence writes audited into `audit`; the silences
   * answer 503 until NATS is connected. Fetch it with the outer request's context as its env.
   */
  api(audit?: Audit): Hono {
    this.audit = audit;
    const app = new Hono();
    app.route("/", alertmanagerApi(this.notifier));
    // The silence app gets the outer request's context as its env: the caller is found there.
    app.all("/api/v2/silence*", (ctx) =>
      this.silenceApi
        ? this.silenceApi.fetch(ctx.req.raw, ctx.env)
        : ctx.text("silences are starting", 503),
    );
    return app;
  }

  /**
   * Loads the shared silences and starts the notifier on the state the aggregators share;
   * alerts posted before this wait in the notifier's store. With `dispatch` false it never
   * takes the notifier lease: its alerts reach the bucket, and the lease's holder sends them.
   */
  async connect(
    nats: NatsState,
    holder: string,
    dispatch: boolean,
    signal?: AbortSignal,
  ): Promise<void> {
    const bucket = silencesBucket(this.tenant);
    this.silences = new SilenceStore({
      kv: nats.keyValue(bucket),
      bucket,
      registry: this.registry,
    });
    await untilAborted(this.silences.start(signal), signal);
    this.silenceApi = silenceRoutes(this.silences, this.audit, (c) => fromHttp(c.env as Context));
    await this.notifier.start(sharedState(nats, holder, this.tenant, dispatch));
  }

  /**
   * Reloads `alerting.config_file` and its templates; returns the problems (logged), none
   * when the new file is in force. A refused file leaves the one in force running.
   */
  reload(): Promise<string[]> {
    return this.reloader.reload();
  }

  /** Hands the alerts of a rule group's evaluation to the notifier. */
  fromRules(alerts: NotifiedAlert[]): void {
    this.notifier.fromRules(alerts);
  }

  /** Stops the notifier and the silences' watch. */
  async stop(): Promise<void> {
    await this.notifier.stop();
    this.silences?.stop();
  }
}

/**
 * The bucket of a tenant's silences: one per tenant, so that no tenant can read, match or expire
 * another's (ids are not secrets); the default tenant keeps the bucket it had.
 */
export function silencesBucket(tenant: string): string {
  return tenant === DEFAULT_TENANT ? SILENCES_BUCKET : `${SILENCES_BUCKET}_${tenant}`;
}

/** Alerts, notification log and lease that a tenant's notifiers sharing this NATS share. */
function sharedState(
  nats: NatsState,
  holder: string,
  tenant: string,
  dispatch: boolean,
): SharedState {
  const lease = dispatch ? nats.lease(`notifier.${tenant}`, holder, NOTIFIER_LEASE_TTL) : NEVER;
  if (!lease) throw new Error("Cannot share the notifier: NATS is not connected");
  return {
    alerts: nats.keyValue(ALERTS_BUCKET),
    nflog: nats.keyValue(NFLOG_BUCKET),
    lease,
    tenant,
  };
}

/** The lease of a notifier that does not dispatch (`alerting.dispatch: false`): never held. */
const NEVER: NotifierLease = { acquire: () => Promise.resolve(false) };
