import { describe, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import { AlertStore, receiveAlert, type StoredAlert } from "../alerts.ts";
import { parseAlertmanagerConfig } from "../config/load.ts";
import { MemoryNotificationLog } from "../nflog.ts";
import type { NotifyContext, Sender, SendResult } from "../receivers/integration.ts";
import { buildRoutes } from "../route/route.ts";
import { ManualClock } from "./clock.ts";
import { NotifyMetrics } from "./deliver.ts";
import { Dispatcher } from "./dispatcher.ts";

const CONFIG = `route:
  receiver: r
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 3s
  routes:
    - matchers: [team="hang"]
      receiver: hang
receivers: [{name: r}, {name: hang}]
`;

/** A sender that records what it is given at what time, and answers with `answer`. */
class Recorder implements Sender {
  readonly kind = "test";
  readonly sent: { at: number; group: string; alerts: string[] }[] = [];
  constructor(
    private readonly clock: ManualClock,
    readonly sendResolved = true,
    private readonly answer: (signal: AbortSignal) => Promise<SendResult> = async () => ({
      ok: true,
    }),
  ) {}
  async send(ctx: NotifyContext, alerts: readonly StoredAlert[]): Promise<SendResult> {
    const now = this.clock.now();
    this.sent.push({
      at: now,
      group: ctx.groupKey,
      alerts: alerts.map(
        (a) =>
          `${a.labels.alertname}/${a.labels.i}:${a.endsAt <= now && a.endsAt !== 0 ? "r" : "f"}`,
      ),
    });
    return this.answer(ctx.signal);
  }
}

function setup(
  senders: (clock: ManualClock) => Record<string, Sender[]> = () => ({}),
  signal = new AbortController().signal,
) {
  const clock = new ManualClock(1_000_000);
  const store = new AlertStore();
  const config = parseAlertmanagerConfig(CONFIG, "am.yml");
  const registry = new Registry();
  const recorder = new Recorder(clock);
  const dispatcher = new Dispatcher({
    root: buildRoutes(config.route),
    store,
    clock,
    inhibitRules: config.inhibitRules,
    timeIntervals: config.timeIntervals,
    receivers: new Map(Object.entries({ r: [recorder], ...senders(clock) })),
    nflog: new MemoryNotificationLog(() => clock.now()),
    metrics: new NotifyMetrics(registry),
    signal,
  });
  dispatcher.start();
  const post = (labels: Record<string, string>, endsAt = 0) =>
    store.put([receiveAlert({ labels, endsAt }, clock.now(), 300_000)], clock.now());
  return { clock, recorder, post, registry, dispatcher, store };
}

/** A receiver answering 500: retried until the flush's deadline. */
const failWith500 = async (): Promise<SendResult> => ({
  ok: false,
  retry: true,
  reason: "serverError",
  message: "unexpected status code 500",
});

const at = (r: Recorder, t0: number) => r.sent.map((s) => [s.at - t0, s.alerts.join(",")]);

describe("Dispatcher", () => {
  test("flushes after group_wait, sends changes each group_interval and repeats after repeat_interval", async () => {
    const { clock, recorder, post } = setup();
    const t0 = clock.now();
    post({ alertname: "A", i: "1" });
    await clock.advance(1500);
    post({ alertname: "A", i: "2" });
    await clock.advance(7000);
    expect(at(recorder, t0)).toEqual([
      [1000, "A/1:f"],
      [3000, "A/1:f,A/2:f"],
      [7000, "A/1:f,A/2:f"],
    ]);
  });

  test("sends a resolved alert once, then leaves it out", async () => {
    const { clock, recorder, post } = setup();
    const t0 = clock.now();
    post({ alertname: "A", i: "1" });
    post({ alertname: "A", i: "2" });
    await clock.advance(1500);
    post({ alertname: "A", i: "1" }, clock.now());
    await clock.advance(6000);
    expect(at(recorder, t0)).toEqual([
      [1000, "A/1:f,A/2:f"],
      [3000, "A/1:r,A/2:f"],
      [7000, "A/2:f"],
    ]);
  });

  test("a flush without inhibit rules does not read the firing alerts", async () => {
    const { clock, recorder, post, store } = setup();
    let reads = 0;
    const firing = store.firing.bind(store);
    store.firing = (now) => {
      reads++;
      return firing(now);
    };
    for (let g = 0; g < 3; g++) post({ alertname: `G${g}`, i: "1" });
    await clock.advance(1000);
    expect(recorder.sent).toHaveLength(3);
    expect(reads).toBe(0);
  });

  test("retries a failing send with backoff and counts the failure when the deadline passes", async () => {
    let failing = null as unknown as Recorder;
    const { clock, post, registry } = setup((c) => {
      failing = new Recorder(c, true, failWith500);
      return { hang: [failing] };
    });
    post({ alertname: "A", team: "hang" });
    await clock.advance(1000 + 10_000);
    expect(failing.sent.length).toBeGreaterThan(3);
    expect(registry.render()).toContain(
      'outpost_notifications_failed_total{integration="test",reason="serverError"} 1',
    );
  });

  test("a stop during a retry's wait ends the flush at once, with nothing more sent", async () => {
    let failing = null as unknown as Recorder;
    const stopping = new AbortController();
    const { clock, post, dispatcher } = setup((c) => {
      failing = new Recorder(c, true, failWith500);
      return { hang: [failing] };
    }, stopping.signal);
    post({ alertname: "A", team: "hang" });
    await clock.advance(1000);
    const tries = failing.sent.length;
    expect(tries).toBeGreaterThan(0);
    // The clock stands still from here: only the abort can end the backoff's wait.
    stopping.abort();
    let stopped = false;
    const stop = dispatcher.stop().then(() => {
      stopped = true;
    });
    await Bun.sleep(50);
    expect(stopped).toBe(true);
    await stop;
    expect(failing.sent.length).toBe(tries);
  });

  test("a hanging receiver does not delay another group", async () => {
    let hanging = null as unknown as Recorder;
    const hang = (signal: AbortSignal) =>
      new Promise<SendResult>((resolve) =>
        signal.addEventListener("abort", () =>
          resolve({ ok: false, retry: true, reason: "timeout", message: "aborted" }),
        ),
      );
    const { clock, recorder, post } = setup((c) => {
      hanging = new Recorder(c, true, hang);
      return { hang: [hanging] };
    });
    const t0 = clock.now();
    post({ alertname: "H", team: "hang" });
    post({ alertname: "A", i: "1" });
    await clock.advance(1000);
    expect(at(recorder, t0)).toEqual([[1000, "A/1:f"]]);
    expect(hanging.sent).toHaveLength(1);
  });
});
