/**
 * `outpost.alerts.v1.AlertsService`: the rules, the notifier, the silences, the history and
 * the SLOs behind Connect. Each method reads its message, calls the function the HTTP API
 * calls (aggregator/notify/api/, api/http/rules.ts, notify/history/) and converts the answer.
 * Each call serves the one tenant the guard resolved (it refuses joins here, as Mimir's
 * ruler and Alertmanager do); a tenant without a notifier lists no alerts, groups or silences.
 */
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import type { AlertsService as Service } from "../../../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { OutpostError } from "../../../../shared/errors/errors.ts";
import type { Audit } from "../../../audit/record.ts";
import { auditedSilenceExpire, auditedSilenceSet } from "../../../audit/silences.ts";
import { TENANTS } from "../../../auth/context.ts";
import type { LogQueryable } from "../../../logs/source.ts";
import { findAlerts } from "../../../notify/api/gettable.ts";
import { findAlertGroups } from "../../../notify/api/groups.ts";
import { historyQuery } from "../../../notify/api/history.ts";
import { findSilences, setSilence } from "../../../notify/api/silence_ops.ts";
import { queryHistory } from "../../../notify/history/query.ts";
import { parseMatcher } from "../../../notify/matchers.ts";
import type { Notifier } from "../../../notify/notifier.ts";
import { sendTestAlert } from "../../../notify/receivers/test_alert.ts";
import { SilenceError } from "../../../notify/silences/silence.ts";
import type { SilenceStore } from "../../../notify/silences/store.ts";
import type { GroupEvaluator } from "../../../rules/eval/group.ts";
import { ruleFilter, selectRules } from "../../http/rules.ts";
import type { QueryDeps } from "../../query/run.ts";
import { fromConnect } from "../actor.ts";
import { answering } from "../errors.ts";
import { whileCredentialsPass } from "../streams.ts";
import { alertOut, historyOut, labelsOut, ruleGroupOut, silenceOut } from "./convert.ts";
import { field, filterIn, invalid, silenceId, silenceIn } from "./inputs.ts";
import { routeMatches } from "./routes.ts";
import { sloQuery, slosOut } from "./slos.ts";
import { watchAlerts } from "./watch.ts";

/** What the alerts service answers from, by tenant; each part null while it is not there. */
export interface AlertsServiceDeps {
  readonly rules: (tenant: string) => readonly GroupEvaluator[];
  readonly notifier: (tenant: string) => Notifier | null;
  readonly silences: (tenant: string) => SilenceStore | null;
  /** The log store the tenant's history is read from; null when history is off. */
  readonly history: (tenant: string) => LogQueryable | null;
  /** The engine and store a tenant's SLO series are read through. */
  readonly query: (tenant: string) => QueryDeps;
  readonly now?: () => number;
  /** Changes a WatchAlerts client may have waiting before it is dropped. */
  readonly watchQueue?: number;
  /** WatchAlerts streams one tenant may have open at once. */
  readonly maxWatches?: number;
  /** Where silence writes of a tenant are audited. */
  readonly audit?: (tenant: string) => Audit;
}

/** The implementation of AlertsService over `deps`. */
export function alertsService(deps: AlertsServiceDeps): ServiceImpl<typeof Service> {
  const now = deps.now ?? Date.now;
  const tenant = (ctx: HandlerContext) => ctx.values.get(TENANTS)[0];
  const watches = new WatchCount(deps.maxWatches ?? MAX_WATCHES_PER_TENANT);
  const notifier = (ctx: HandlerContext) =>
    need(deps.notifier(tenant(ctx)), `tenant ${tenant(ctx)} has no alertmanager.yml`);
  /** An unconfigured Alertmanager lists nothing: so does a tenant without a notifier. */
  const listing = <T>(ctx: HandlerContext, list: (n: Notifier) => T[]): T[] => {
    const n = deps.notifier(tenant(ctx));
    return n === null ? [] : list(n);
  };
  const audit = (ctx: HandlerContext) => deps.audit?.(tenant(ctx));
  const silences = (ctx: HandlerContext) => {
    const store = deps.silences(tenant(ctx));
    if (store === null) throw new ConnectError("silences are starting", Code.Unavailable);
    return store;
  };
  const silenceCall = <T>(work: () => Promise<T>) =>
    work().catch((err) => {
      if (!(err instanceof SilenceError)) throw err;
      const code = err.kind === "not_found" ? Code.NotFound : Code.InvalidArgument;
      throw new ConnectError(err.message, code);
    });
  return {
    listRules: (req, ctx) =>
      answering(ctx, () => {
        const filter = field("type", () =>
          ruleFilter({
            type: req.type,
            names: req.ruleNames,
            groups: req.ruleGroups,
            files: req.files,
            excludeAlerts: req.excludeAlerts,
          }),
        );
        const selected = selectRules(deps.rules(tenant(ctx)), filter);
        return { groups: selected.map((g) => ruleGroupOut(g, req.excludeAlerts)) };
      }),
    listAlerts: (req, ctx) =>
      answering(ctx, () => ({
        alerts: listing(ctx, (n) => findAlerts(n, filterIn(req.filter)).map(alertOut)),
      })),
    listAlertGroups: (req, ctx) =>
      answering(ctx, () => ({
        groups: listing(ctx, (n) =>
          findAlertGroups(n, filterIn(req.filter)).map((g) => ({
            labels: labelsOut(g.labels),
            receiver: g.receiver,
            alerts: g.alerts.map(alertOut),
          })),
        ),
      })),
    listSilences: (req, ctx) =>
      answering(ctx, () => {
        if (deps.notifier(tenant(ctx)) === null) return { silences: [] };
        const store = silences(ctx);
        const found = field("matchers", () => findSilences(store, req.matchers));
        return { silences: found.map((s) => silenceOut(s, store.now())) };
      }),
    getSilence: (req, ctx) =>
      answering(ctx, () => {
        const store = silences(ctx);
        const s = store.get(silenceId(req.id));
        if (s === undefined) throw new ConnectError("silence not found", Code.NotFound);
        return { silence: silenceOut(s, store.now()) };
      }),
    createSilence: (req, ctx) =>
      answering(ctx, async () => {
        const input = silenceIn(req.silence);
        const set = () => silenceCall(() => setSilence(silences(ctx), input));
        return { silenceId: await auditedSilenceSet(audit(ctx), fromConnect(ctx), input, set) };
      }),
    updateSilence: (req, ctx) =>
      answering(ctx, async () => {
        const input = silenceIn(req.silence, silenceId(req.id));
        const set = () => silenceCall(() => setSilence(silences(ctx), input));
        return { silenceId: await auditedSilenceSet(audit(ctx), fromConnect(ctx), input, set) };
      }),
    expireSilence: (req, ctx) =>
      answering(ctx, async () => {
        const id = silenceId(req.id);
        const expire = () => silenceCall(() => silences(ctx).expire(id));
        await auditedSilenceExpire(audit(ctx), fromConnect(ctx), id, expire);
        return {};
      }),
    listHistory: (req, ctx) =>
      answering(ctx, async () => {
        const logs = need(deps.history(tenant(ctx)), "alerting.history.enabled is false");
        const q = historyField(() =>
          historyQuery(
            {
              startMs: req.startMs === undefined ? undefined : Number(req.startMs),
              endMs: req.endMs === undefined ? undefined : Number(req.endMs),
              kind: req.kind,
              alertname: req.alertname,
              receiver: req.receiver,
              matchers: req.matchers,
              limit:
                req.limit === undefined ? undefined : { value: req.limit, text: `${req.limit}` },
            },
            now(),
            ctx.signal,
          ),
        );
        return { records: (await queryHistory(logs, q)).map(historyOut) };
      }),
    testRoute: (req, ctx) =>
      answering(ctx, () => ({ routes: routeMatches(notifier(ctx), req.labels) })),
    testReceiver: (req, ctx) =>
      answering(ctx, async () => {
        const n = notifier(ctx);
        if (req.receiver === "") throw invalid("receiver", "is required");
        const senders = n.senders(req.receiver);
        if (senders === undefined)
          throw invalid(
            "receiver",
            `no receiver ${JSON.stringify(req.receiver)} in alertmanager.yml`,
          );
        const outcomes = await sendTestAlert(req.receiver, senders, n.clock.now(), ctx.signal);
        return {
          integrations: outcomes.map((o) => ({ ...o, latencyMs: BigInt(o.latencyMs) })),
        };
      }),
    listSLOs: (req, ctx) =>
      answering(ctx, async () => ({
        slos: await slosOut(
          deps.rules(tenant(ctx)),
          sloQuery(deps.query(tenant(ctx)), now(), ctx.signal),
          req.service,
        ),
      })),
    watchAlerts: (req, ctx) => {
      const matchers = field("matchers", () => req.matchers.map(parseMatcher));
      return counted(watches, tenant(ctx), () =>
        whileCredentialsPass(ctx, (signal) =>
          watchAlerts(notifier(ctx), matchers, signal, deps.watchQueue),
        ),
      );
    },
  };
}

/**
 * WatchAlerts streams a tenant may have open at once by default: one per open Alerts page,
 * where each runs its matchers on every change of the tenant's alerts, so a viewer opening
 * thousands would make every change cost thousands of matches (Loki caps its tails alike).
 */
export const MAX_WATCHES_PER_TENANT = 100;

/** Open WatchAlerts streams by tenant. */
class WatchCount {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts a new stream of `tenant`; refuses with resource_exhausted past the most. */
  hold(tenant: string): () => void {
    const n = this.open.get(tenant) ?? 0;
    if (n >= this.max)
      throw new ConnectError(
        `Cannot watch alerts: tenant ${tenant} has ${n} watches open, the most it may have`,
        Code.ResourceExhausted,
      );
    this.open.set(tenant, n + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.open.get(tenant) ?? 1) - 1;
      if (left > 0) this.open.set(tenant, left);
      else this.open.delete(tenant);
    };
  }
}

/**
 * The stream `open` makes, counted among `tenant`'s watches while it runs. Held at its first
 * read, not before: a stream never read never runs its `finally`, and would be counted for ever.
 */
async function* counted<T>(
  watches: WatchCount,
  tenant: string,
  open: () => AsyncGenerator<T>,
): AsyncGenerator<T> {
  const release = watches.hold(tenant);
  try {
    yield* open();
  } finally {
    release();
  }
}

/** `part`, or a `failed_precondition` saying why it is not there. */
function need<T>(part: T | null, why: string): T {
  if (part === null) throw new ConnectError(`Cannot answer: ${why}`, Code.FailedPrecondition);
  return part;
}

/** The history checks name the HTTP parameters; the message names the request's fields. */
const HISTORY_FIELDS: Record<string, string> = {
  '"match[]"': '"matchers"',
  '"start"': '"start_ms"',
  '"end"': '"end_ms"',
};

function historyField<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof OutpostError && err.code === "bad_data")) throw err;
    const message = err.message.replace(/^invalid parameter ("[^"]+")/, (m, name: string) =>
      HISTORY_FIELDS[name] ? `invalid parameter ${HISTORY_FIELDS[name]}` : m,
    );
    throw new ConnectError(message, Code.InvalidArgument);
  }
}
