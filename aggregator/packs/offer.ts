/**
 * Offers the integration packs: every `check_interval` it looks, for each tenant, for the
 * packs' marker series (`pg_up`, `redis_up`, …) in the last `lookback`; a pack whose marker
 * shows up has its rule group added to that tenant's rules (a reload, which keeps every other
 * group's state) and its dashboard imported. An offered pack stays for the life of the
 * process, so an integration that goes away still gets its "down" alert; after a restart a
 * pack comes back while its marker is within `lookback`.
 */
import { logger } from "../../shared/log/log.ts";
import type { Registry } from "../../shared/metrics/registry.ts";
import type { DashboardStore } from "../dashboards/store.ts";
import type { GeneratedFile } from "../rules/eval/component.ts";
import type { Queryable } from "../storage/storage.ts";
import { type LoadedPack, loadPack, PACKS } from "./catalog.ts";
import type { PacksConfig } from "./config.ts";
import { importPackDashboard } from "./dashboard.ts";

const log = logger("packs");

/** What the offer reads and changes. */
export interface PackOfferDeps {
  readonly config: PacksConfig;
  /** Every tenant the aggregator serves. */
  readonly tenants: () => readonly string[];
  readonly queryable: (tenant: string) => Queryable;
  /** Reloads a tenant's rules, which then read {@link PackOffer.rulesFor}. */
  readonly reloadRules: (tenant: string) => Promise<unknown>;
  /** The dashboards, once NATS is connected. */
  readonly dashboards: () => DashboardStore | null;
  readonly registry: Registry;
  readonly now?: () => number;
}

/** The packs offered to each tenant, found from the series that arrive. */
export class PackOffer {
  private packs: LoadedPack[] = [];
  /** tenant → names of the packs offered to it. */
  private readonly offered = new Map<string, Set<string>>();
  /** `<tenant>.<pack>` whose dashboard is imported or was found present. */
  private readonly dashboardsDone = new Set<string>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private checking: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly gauge;

  constructor(private readonly deps: PackOfferDeps) {
    this.now = deps.now ?? Date.now;
    this.gauge = deps.registry.gauge(
      "outpost_pack_offered",
      "1 for each integration pack offered to a tenant (its rules run, its dashboard is listed).",
      ["tenant", "pack"],
    );
  }

  /** Reads the enabled packs' files; checks now and then every `check_interval`. */
  async start(): Promise<void> {
    const c = this.deps.config;
    if (!c.enabled) return;
    const wanted = PACKS.filter((p) => !c.disabled.includes(p.name));
    for (const result of await Promise.allSettled(wanted.map(loadPack))) {
      // A shipped file that does not load is a bug: that pack is left out, the others offered.
      if (result.status === "fulfilled") this.packs.push(result.value);
      else log.error("Cannot offer an integration pack", { error: String(result.reason) });
    }
    if (this.packs.length === 0) return;
    await this.check();
    this.timer = setInterval(() => void this.check(), c.check_interval);
  }

  /** Stops checking, after a check under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
  }

  /** The rule files of the packs offered to a tenant, for its rules component. */
  rulesFor(tenant: string): GeneratedFile[] {
    const names = this.offered.get(tenant);
    if (!names) return [];
    return this.packs.filter((p) => names.has(p.name)).map((p) => p.rules);
  }

  /** Looks once for new markers and for dashboards not yet imported; one check at a time. */
  check(): Promise<void> {
    this.checking = this.checking.then(async () => {
      for (const tenant of this.deps.tenants()) {
        await this.checkTenant(tenant).catch((error) =>
          log.warn("Cannot check the integration packs: retrying at the next check", {
            tenant,
            error: String(error),
          }),
        );
      }
    });
    return this.checking;
  }

  private async checkTenant(tenant: string): Promise<void> {
    const offered = this.offered.get(tenant) ?? new Set<string>();
    this.offered.set(tenant, offered);
    const fresh = (await this.markersPresent(tenant)).filter((p) => !offered.has(p.name));
    if (fresh.length > 0) {
      for (const p of fresh) {
        offered.add(p.name);
        this.gauge.labels({ tenant, pack: p.name }).set(1);
      }
      log.info("Integration packs offered", { tenant, packs: fresh.map((p) => p.name).join(",") });
      await this.deps.reloadRules(tenant);
    }
    const store = this.deps.dashboards();
    if (store === null) return;
    for (const p of this.packs) {
      const key = `${tenant}.${p.name}`;
      if (!offered.has(p.name) || this.dashboardsDone.has(key)) continue;
      const done = await importPackDashboard(store, tenant, p);
      this.dashboardsDone.add(key);
      if (done === "imported") log.info("Pack dashboard imported", { tenant, pack: p.name });
    }
  }

  /** The packs whose marker series the tenant has in the last `lookback`. */
  private async markersPresent(tenant: string): Promise<LoadedPack[]> {
    const pending = this.packs.filter((p) => !this.offered.get(tenant)?.has(p.name));
    if (pending.length === 0) return [];
    const end = this.now();
    const querier = await this.deps.queryable(tenant).querier();
    try {
      const names = await querier.labelValues(
        "__name__",
        [{ name: "__name__", type: "=~", value: pending.map((p) => p.marker).join("|") }],
        { start: end - this.deps.config.lookback, end },
      );
      return pending.filter((p) => names.includes(p.marker));
    } finally {
      querier.close();
    }
  }
}
