/**
 * The notification log: what each integration of a receiver last sent for a group (the
 * hashes of the alerts it reported firing and resolved, and when), so that a flush with
 * nothing new sends nothing. In memory for now; the interface is what a NATS KV-backed log
 * will implement so that aggregators share it.
 */

/** What was last sent for one group through one integration. */
export interface NotificationEntry {
  /** Fingerprints of the alerts reported firing. */
  readonly firing: readonly string[];
  /** Fingerprints of the alerts reported resolved. */
  readonly resolved: readonly string[];
  /** When it was sent, Unix ms. */
  readonly timestamp: number;
}

/** The log the dispatcher reads before and writes after each notification. */
export interface NotificationLog {
  /** The last entry for `groupKey` through `integration` (`receiver/kind/index`). */
  get(integration: string, groupKey: string): Promise<NotificationEntry | undefined>;
  /** Records a notification; `retention` ms later the entry may be forgotten. */
  log(
    integration: string,
    groupKey: string,
    entry: NotificationEntry,
    retention: number,
  ): Promise<void>;
}

/** A notification log in this process's memory. */
export class MemoryNotificationLog implements NotificationLog {
  private readonly entries = new Map<string, { entry: NotificationEntry; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The entry, unless it expired. */
  async get(integration: string, groupKey: string): Promise<NotificationEntry | undefined> {
    const key = `${integration}\xff${groupKey}`;
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.entry;
  }

  /** Replaces the entry. */
  async log(
    integration: string,
    groupKey: string,
    entry: NotificationEntry,
    retention: number,
  ): Promise<void> {
    this.entries.set(`${integration}\xff${groupKey}`, {
      entry,
      expires: entry.timestamp + retention,
    });
  }
}

/**
 * Whether a group needs a notification through an integration (Alertmanager's dedup stage):
 * never before for firing alerts only; when an alert fires that was not reported firing; when
 * everything resolved since alerts were reported firing; with `send_resolved`, when an alert
 * resolved that was not reported resolved; else once `repeat` has passed since the last one.
 */
export function needsNotification(
  entry: NotificationEntry | undefined,
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  sendResolved: boolean,
  repeat: number,
  now: number,
): boolean {
  if (entry === undefined) return firing.size > 0;
  const sentFiring = new Set(entry.firing);
  for (const fp of firing) if (!sentFiring.has(fp)) return true;
  if (firing.size === 0) return entry.firing.length > 0;
  if (sendResolved) {
    const sentResolved = new Set(entry.resolved);
    for (const fp of resolved) if (!sentResolved.has(fp)) return true;
  }
  return entry.timestamp < now - repeat;
}
