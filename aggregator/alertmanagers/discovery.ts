/**
 * Finds each set's Alertmanagers: its static targets and its file_sd files, read at once and
 * again whenever a file changes (Prometheus watches the files; polling their modification
 * times every few seconds, and at least every `refresh_interval`, has the same effect without
 * inotify limits), each time relabeled into push URLs (targets.ts).
 */
import { FileDiscovery } from "../../shared/discovery/file_sd.ts";
import type { Logger } from "../../shared/log/log.ts";
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
}

/** The Alertmanagers of every set, kept up to date while started. */
export class AlertmanagerDiscovery {
  private readonly states: SetState[];
  private timer: ReturnType<typeof setInterval> | null = null;

  /** Reads every set once, so that `onDiscovered` has each set's Alertmanagers on return. */
  constructor(
    sets: readonly AlertmanagerSet[],
    private readonly onDiscovered: OnDiscovered,
    private readonly log: Logger,
  ) {
    this.states = sets.map((set, i) => ({
      set,
      program: compileRelabel(set.relabel),
      files: set.fileSd.map(
        (sd) => new FileDiscovery(sd, "/", (message) => log.warn(message, { set: i })),
      ),
    }));
    this.syncAll(true);
  }

  /** Starts re-reading the sets' file_sd files. */
  start(): void {
    const intervals = this.states.flatMap((s) => s.set.fileSd.map((sd) => sd.refresh_interval));
    if (intervals.length === 0 || this.timer !== null) return;
    const every = Math.min(POLL_MS, ...intervals);
    this.timer = setInterval(() => this.syncAll(false), every);
  }

  /** Stops re-reading. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
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
    if (!changed) return;
    const found = alertmanagersFromGroups(state.set, state.program, groups, (message) =>
      this.log.warn(message, { set: i }),
    );
    this.onDiscovered(i, found);
  }
}
