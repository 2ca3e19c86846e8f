/**
 * Finds each set's Alertmanagers: its static targets and its file_sd files, read at once and
 * again whenever a file changes (Prometheus watches the files; polling their modification
 * times every few seconds, and at least every `refresh_interval`, has the same effect without
 * inotify limits), and its DNS names, looked up once started and every `refresh_interval`;
 * each time relabeled into push URLs (targets.ts).
 */
import { DnsDiscovery } from "../../shared/discovery/dns_sd.ts";
import { FileDiscovery } from "../../shared/discovery/file_sd.ts";
import { type ResolverConfig, systemResolver } from "../../shared/discovery/resolv_conf.ts";
import { type Logger, withFields } from "../../shared/log/log.ts";
import { compileRelabel, type RelabelProgram } from "../../shared/relabel/relabel.ts";
import type { AlertmanagerSet } from "./config.ts";
import { alertmanagersFromGroups, type DiscoveredAlertmanagers } from "./targets.ts";

/** How often file_sd files are checked for changes at most, ms. */
const POLL_MS = 5_000;

/** Receives a set's Alertmanagers each time they change. */
export type OnDiscovered = (setIndex: number, found: DiscoveredAlertmanagers) => void;

interface SetState {
  readonly set: AlertmanagerSet;
  readonly program: RelabelProgram;
  readonly files: FileDiscovery[];
  readonly dns: DnsDiscovery[];
}

/** The Alertmanagers of every set, kept up to date while started. */
export class AlertmanagerDiscovery {
  private readonly states: SetState[];
  private timers: ReturnType<typeof setInterval>[] = [];
  private started = false;

  /**
   * Reads every set's static targets and files once, so that `onDiscovered` has each set's
   * Alertmanagers on return (those found in DNS follow once started). `dns.resolver` gives the
   * DNS servers and search domains (/etc/resolv.conf's by default); `dns.onLookup` hears of
   * each name's lookup.
   */
  constructor(
    sets: readonly AlertmanagerSet[],
    private readonly onDiscovered: OnDiscovered,
    private readonly log: Logger,
    dns: { resolver?: () => ResolverConfig; onLookup?: (failed: boolean) => void } = {},
  ) {
    const resolver = dns.resolver ?? systemResolver;
    this.states = sets.map((set, i) => ({
      set,
      program: compileRelabel(set.relabel),
      files: set.fileSd.map(
        (sd) => new FileDiscovery(sd, "/", (message) => log.warn(message, { set: i })),
      ),
      dns: set.dnsSd.map(
        (sd) =>
          new DnsDiscovery(sd, {
            resolver,
            log: withFields(log, { set: i }),
            onLookup: dns.onLookup,
          }),
      ),
    }));
    this.syncAll(true);
  }

  /** Starts re-reading the sets' file_sd files and looking their DNS names up. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const intervals = this.states.flatMap((s) => s.set.fileSd.map((sd) => sd.refresh_interval));
    if (intervals.length > 0)
      this.timers.push(setInterval(() => this.syncAll(false), Math.min(POLL_MS, ...intervals)));
    this.states.forEach((state, i) => {
      for (const dns of state.dns) {
        const lookUp = () =>
          void dns
            .refresh()
            .then((changed) => changed && this.started && this.sync(i, true))
            .catch((err) =>
              this.log.error("Cannot apply Alertmanagers found in DNS", {
                set: i,
                error: String(err),
              }),
            );
        lookUp();
        this.timers.push(setInterval(lookUp, dns.config.refresh_interval));
      }
    });
  }

  /** Stops re-reading; a lookup still running then changes nothing. */
  stop(): void {
    this.started = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  private syncAll(force: boolean): void {
    for (let i = 0; i < this.states.length; i++) this.sync(i, force);
  }

  /** Reads set `i`'s files; hands its Alertmanagers on when they may have changed. */
  private sync(i: number, force: boolean): void {
    const state = this.states[i]!;
    let changed = force;
    const groups = [...state.set.staticGroups];
    for (const files of state.files) {
      const r = files.refresh();
      changed ||= r.changed;
      groups.push(...r.groups);
    }
    for (const dns of state.dns) groups.push(...dns.groups());
    if (!changed) return;
    const found = alertmanagersFromGroups(state.set, state.program, groups, (message) =>
      this.log.warn(message, { set: i }),
    );
    this.onDiscovered(i, found);
  }
}
