import { describe, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import { alertLimitsOnly } from "../../limits/alerts.ts";
import { limitsSchema } from "../../limits/config.ts";
import { parseAlertmanagerConfig } from "../config/load.ts";
import { ManualClock } from "../dispatch/clock.ts";
import { Notifier } from "../notifier.ts";
import { alertmanagerApi } from "./v2.ts";

const CONFIG = "route: {receiver: nobody}\nreceivers: [{name: nobody}]\n";

/** A notifier of tenant "t" whose `limits.max_alerts` is `max`, behind its API. */
function setup(max: number) {
  const registry = new Registry();
  const limits = alertLimitsOnly(limitsSchema.parse({ defaults: { max_alerts: max } }), registry);
  const notifier = new Notifier({
    config: parseAlertmanagerConfig(CONFIG, "am.yml"),
    registry,
    externalURL: "http://outpost",
    clock: new ManualClock(Date.parse("2030-01-01T00:00:00Z")),
    alertLimit: limits.alerts.of("t"),
  });
  const app = alertmanagerApi(notifier);
  const post = async (names: string[], labels: Record<string, string> = {}) => {
    const body = names.map((alertname) => ({ labels: { alertname, ...labels } }));
    const res = await app.request("/api/v2/alerts", { method: "POST", body: JSON.stringify(body) });
    return { status: res.status, body: await res.text() };
  };
  const refused = () =>
    registry.render().match(/outpost_tenant_rejected_alerts_total\{[^}]*\} (\d+)/)?.[1];
  return { notifier, post, refused, limits };
}

describe("limits.max_alerts on POST /api/v2/alerts", () => {
  test("new alerts past the limit are refused with 400 and counted; the others are stored", async () => {
    const { notifier, post, refused } = setup(3);
    expect((await post(["a", "b"])).status).toBe(200);
    const over = await post(["c", "d", "e"]);
    expect(over.status).toBe(400);
    expect(JSON.parse(over.body)).toBe(
      "2 new alerts not stored: the notifier holds 3 alerts, at most 3 (limits.max_alerts)",
    );
    expect(notifier.store.size).toBe(3);
    expect(
      notifier.store
        .list()
        .map((a) => a.labels.alertname)
        .sort(),
    ).toEqual(["a", "b", "c"]);
    expect(refused()).toBe("2");
  });

  test("alerts already held are still updated and resolved at the limit", async () => {
    const { notifier, post } = setup(2);
    await post(["a", "b"]);
    const again = await post(["a", "b"], {});
    expect(again.status).toBe(200);
    expect(notifier.store.size).toBe(2);
  });

  test("one alert twice in a post takes one place", async () => {
    const { notifier, post } = setup(1);
    expect((await post(["a", "a"])).status).toBe(200);
    expect(notifier.store.size).toBe(1);
  });

  test("the rules' own alerts are kept past the limit", async () => {
    const { notifier, post } = setup(1);
    await post(["a"]);
    notifier.receive([{ labels: { alertname: "from-rules" } }], "rules");
    expect(notifier.store.size).toBe(2);
    expect((await post(["b"])).status).toBe(400);
  });

  test("a reloaded limit applies to the next post", async () => {
    const { notifier, post, limits } = setup(1);
    await post(["a"]);
    expect((await post(["b"])).status).toBe(400);
    limits.update(limitsSchema.parse({ defaults: { max_alerts: 2 } }));
    expect((await post(["b"])).status).toBe(200);
    expect(notifier.store.size).toBe(2);
  });

  test("0 is no limit", async () => {
    const { notifier, post } = setup(0);
    expect((await post(Array.from({ length: 50 }, (_, i) => `a${i}`))).status).toBe(200);
    expect(notifier.store.size).toBe(50);
  });
});
