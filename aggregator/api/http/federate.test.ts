import { describe, expect, test } from "bun:test";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import { Engine } from "../../promql/engine/engine.ts";
import { MemoryStorage } from "../../storage/memory.ts";
import { prometheusApi } from "./prometheus.ts";

const NOW = 1_800_000_000_000;
const MIN = 60_000;

function api() {
  const storage = new MemoryStorage();
  const put = (labels: Record<string, string>, samples: [number, number | "stale"][]) =>
    storage.append(labelsFromRecord(labels), samples);
  put({ __name__: "up", job: "node", instance: "a:9100" }, [
    [NOW - 2 * MIN, 0],
    [NOW - MIN, 1],
  ]);
  put({ __name__: "up", job: "node", instance: "b:9100" }, [[NOW - 30_000, 0]]);
  put({ __name__: "bytes", job: "x", path: 'C:\\a "b"\nc' }, [[NOW - 1000, 2514632]]);
  put({ __name__: "ratio", job: "x", cluster: "own" }, [[NOW - 1000, 0.00001]]);
  put({ __name__: "odd", job: "x" }, [[NOW - 1000, Number.POSITIVE_INFINITY]]);
  put({ __name__: "http.requests", "http.method": "GET" }, [[NOW - 1000, 3]]);
  put({ __name__: "gone", job: "x" }, [
    [NOW - 2 * MIN, 1],
    [NOW - MIN, "stale"],
  ]);
  put({ __name__: "old", job: "x" }, [[NOW - 6 * MIN, 1]]);
  put({ __name__: "future", job: "x" }, [[NOW + MIN, 1]]);
  const app = prometheusApi({
    engine: new Engine(),
    queryable: storage,
    buildInfo: { version: "test" },
    externalLabels: { region: "eu", cluster: "c1" },
    now: () => NOW,
  });
  return async (query: string, init?: RequestInit) => {
    const res = await app.request(`/federate?${query}`, init);
    return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
  };
}

describe("/federate", () => {
  test("writes each matching series' latest sample as Prometheus's federation does", async () => {
    const get = api();
    const m = (s: string) => `match[]=${encodeURIComponent(s)}`;
    const r = await get(
      [m("up"), m('{job="x"}'), m('{__name__="http.requests"}'), m("up")].join("&"),
    );
    expect(r.status).toBe(200);
    expect(r.type).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(r.body).toBe(
      [
        "# TYPE bytes untyped",
        `bytes{job="x",path="C:\\\\a \\"b\\"\\nc",cluster="c1",instance="",region="eu"} 2.514632e+06 ${NOW - 1000}`,
        "# TYPE http_requests untyped",
        `http_requests{http_method="GET",cluster="c1",instance="",region="eu"} 3 ${NOW - 1000}`,
        "# TYPE odd untyped",
        `odd{job="x",cluster="c1",instance="",region="eu"} +Inf ${NOW - 1000}`,
        "# TYPE ratio untyped",
        `ratio{cluster="own",job="x",instance="",region="eu"} 1e-05 ${NOW - 1000}`,
        "# TYPE up untyped",
        `up{instance="a:9100",job="node",cluster="c1",region="eu"} 1 ${NOW - MIN}`,
        `up{instance="b:9100",job="node",cluster="c1",region="eu"} 0 ${NOW - 30_000}`,
        "",
      ].join("\n"),
    );
  });

  test("leaves out a series whose latest sample is a staleness marker or older than 5 minutes", async () => {
    const r = await api()(`match[]=${encodeURIComponent('{__name__=~"gone|old"}')}`);
    expect([r.status, r.body]).toEqual([200, ""]);
  });

  test("answers nothing without match[], and a bad selector with Prometheus's 400 text", async () => {
    const get = api();
    expect(await get("")).toMatchObject({ status: 200, body: "" });
    expect(await get(`match[]=${encodeURIComponent("sum(up)")}`)).toEqual({
      status: 400,
      type: "text/plain; charset=utf-8",
      body: '1:4: parse error: unexpected "("\n',
    });
  });

  test("refuses a form POST with Prometheus's 405, as Prometheus 2.42 serves GET only", async () => {
    const r = await api()("", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `match[]=${encodeURIComponent('up{instance="b:9100"}')}`,
    });
    expect([r.status, r.body]).toEqual([405, "Method Not Allowed\n"]);
  });
});
