/**
 * Alert history in real aggregators (nats-server, a dir bucket): a rule going pending → firing
 * → resolved, its notifications through a working and a refusing webhook, and a silenced
 * posted alert are listed by `GET /api/v1/alerts/history` and by LogQL; two aggregators write
 * each record once; a new aggregator reads them from the bucket.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { isOwnLogs } from "../../aggregator/storage/catalog/entry.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { type Sink, startSink } from "../harness/alertmanager.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { pollValue } from "../harness/poll.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-history-"));
let nats: NatsServerHandle;
let a: Aggregator;
let b: Aggregator | undefined;
let sink: Sink;
let silenceId = "";
const resolveAt = Math.floor(Date.now() / 1000) + 7;
const extra = `global: { evaluation_interval: 1s }
rule_files: [rules.yml]
alerting: {config_file: am.yml}
`;

// biome-ignore lint/suspicious/noExplicitAny: records are read as JSON
type Rec = any;

async function history(url: string, query = ""): Promise<Rec[]> {
  const res = await fetch(`${url}/api/v1/alerts/history?limit=10000&${query}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { status: string; data: Rec[] };
  expect(body.status).toBe("success");
  return body.data;
}

const until = <T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000) =>
  pollValue(what, ok, ms, 250);

const ruleStates = (rs: Rec[]) =>
  rs.filter((r) => r.kind === "state" && r.source === "rules" && r.alertname === "Flip");

/** No state change and no notification attempt is listed twice. */
function expectNoDuplicates(rs: Rec[]): void {
  expect(rs.filter((r) => r.kind === "notification").length).toBeGreaterThan(0);
  const states = rs
    .filter((r) => r.kind === "state")
    .map((r) => `${r.source}/${r.fingerprint}/${r.state}/${r.time}`);
  expect(new Set(states).size).toBe(states.length);
  const changes = rs
    .filter((r) => r.kind === "state")
    .map((r) => `${r.source}/${r.fingerprint}/${r.state}`);
  expect(new Set(changes).size).toBe(changes.length);
  const attempts = rs
    .filter((r) => r.kind === "notification")
    .map((r) => `${r.integration}/${r.time}/${r.attempt}`);
  expect(new Set(attempts).size).toBe(attempts.length);
}

beforeAll(async () => {
  sink = startSink((path) => (path === "/bad" ? 400 : 200));
  writeFileSync(
    join(dir, "am.yml"),
    `route: {receiver: both, group_by: [alertname], group_wait: 1s, group_interval: 2s}
receivers:
  - name: both
    webhook_configs:
      - url: ${sink.url}/ok
      - url: ${sink.url}/bad
`,
  );
  writeFileSync(
    join(dir, "rules.yml"),
    `groups:
- name: g
  rules:
  - alert: Flip
    expr: vector(1) and on() (vector(time()) < ${resolveAt})
    for: 2s
    labels: {severity: page}
`,
  );
  nats = await startNatsServer();
  a = await startInProcessAggregator(dir, nats.url, extra, "agg-a");
  b = await startInProcessAggregator(dir, nats.url, extra, "agg-b");
  const res = await fetch(`${a.url}/api/v2/silences`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      matchers: [{ name: "alertname", value: "Muted", isRegex: false, isEqual: true }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      createdBy: "test",
      comment: "history",
    }),
  });
  silenceId = ((await res.json()) as { silenceID: string }).silenceID;
  // The silence reaches the other aggregator through its watch.
  for (let i = 0; i < 500; i++) {
    const listed = await fetch(`${b.url}/api/v2/silences`);
    if (((await listed.json()) as { id: string }[]).some((x) => x.id === silenceId)) break;
    await Bun.sleep(20);
  }
  await fetch(`${b.url}/api/v2/alerts`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify([{ labels: { alertname: "Muted", instance: "x" } }]),
  });
}, 30_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await nats?.dispose();
  sink?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("alert history", () => {
  test("the API lists the rule's pending, firing and resolved changes, newest first", async () => {
    const rs = await until(
      () => history(a.url, "alertname=Flip"),
      // Records another aggregator ingested are seen once it flushed them and this one
      // re-read the catalog: the notifier's firing record, a batch of its own, may come after
      // its resolved one.
      (x) =>
        ruleStates(x).length === 3 &&
        x.some((r) => r.source === "notifier" && r.state === "resolved") &&
        x.some((r) => r.kind === "state" && r.source === "notifier" && r.state === "firing"),
    );
    const states = ruleStates(rs).map((r) => r.state);
    expect(states).toEqual(["resolved", "firing", "pending"]);
    const [resolved, firing, pending] = ruleStates(rs);
    expect(firing.time - pending.time).toBeGreaterThanOrEqual(2000);
    expect(resolved.labels).toEqual({ alertname: "Flip", severity: "page" });
    expect(firing.ruleGroup).toBe(`${join(dir, "rules.yml")};g`);
    // The notifier saw it fire and resolve too (posted by the rules).
    const notifier = rs.filter((r) => r.kind === "state" && r.source === "notifier");
    expect(notifier.map((r) => r.state)).toContain("firing");
  }, 30_000);

  test("each notification attempt is listed, the refused one failed with its reason", async () => {
    const rs = await until(
      () => history(a.url, "kind=notification&receiver=both"),
      (x) => x.some((r) => r.outcome === "failed") && x.some((r) => r.outcome === "success"),
    );
    // Newest first: the last of each integration is its first attempt, about the firing alert.
    const ok = rs.findLast((r) => r.integration === "both/webhook/0");
    const bad = rs.findLast((r) => r.integration === "both/webhook/1");
    expect(ok).toMatchObject({ outcome: "success", groupKey: '{}:{alertname="Flip"}' });
    expect(ok.alerts[0]).toMatchObject({ alertname: "Flip", status: "firing" });
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0);
    expect(bad).toMatchObject({ outcome: "failed", reason: "clientError" });
    expect(bad.error).toContain("400");
    expect(JSON.stringify(rs)).not.toContain(sink.url); // URLs may hold tokens
    // As many attempts recorded as the sink received.
    const sent = sink.received.filter((r) => r.path === "/bad").length;
    const later = await history(a.url, "kind=notification&receiver=both");
    expect(later.filter((r) => r.integration === "both/webhook/1").length).toBeGreaterThanOrEqual(
      sent - 1,
    );
  }, 30_000);

  test("a silenced alert has a silenced record naming the silence", async () => {
    const rs = await until(
      () => history(a.url, 'match[]={alertname="Muted"}'),
      // Recorded on arrival, the firing record is in an earlier batch than the silenced one
      // (group_wait later), which the other aggregator may have stored.
      (x) => x.some((r) => r.state === "silenced") && x.some((r) => r.state === "firing"),
    );
    expect(rs.find((r) => r.state === "silenced")?.silencedBy).toEqual([silenceId]);
    expect(rs.some((r) => r.state === "firing")).toBe(true);
  }, 30_000);

  test("LogQL through the Loki API reads the same records", async () => {
    const q = '{job="outpost", stream="alert_history"} | json | state="firing" | alertname="Flip"';
    const start = (Date.now() - 600_000) * 1e6;
    const res = await fetch(
      `${a.url}/loki/api/v1/query_range?query=${encodeURIComponent(q)}&start=${start}&limit=1000`,
    );
    const body = (await res.json()) as Rec;
    expect(res.status).toBe(200);
    const lines = body.data.result.flatMap((s: Rec) =>
      s.values.map((v: string[]) => JSON.parse(v[1])),
    );
    expect(lines.some((r: Rec) => r.source === "rules")).toBe(true);
    expect(lines.some((r: Rec) => r.source === "notifier")).toBe(true);
  });

  test("two aggregators write each record once", async () => {
    expectNoDuplicates(await history(a.url));
  });

  test("a new aggregator reads the records from the bucket after the others stopped", async () => {
    const before = await history(a.url);
    await a.stop();
    await b?.stop();
    b = undefined;
    a = await startInProcessAggregator(dir, nats.url, "", "agg-c");
    const after = await until(
      () => history(a.url),
      (x) => x.length >= before.length,
    );
    const seen = new Set(after.map((r) => JSON.stringify(r)));
    expect(before.filter((r) => !seen.has(JSON.stringify(r)))).toEqual([]);
    expectNoDuplicates(after); // every record is in the bucket now, whoever ingested it
    // In log files of their own, which `alerting.history.retention` keeps (90 days).
    const logs = a.catalog.all().filter((f) => f.signal === "logs");
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((f) => isOwnLogs(f))).toBe(true);
    expect(ruleStates(after).map((r) => r.state)).toEqual(["resolved", "firing", "pending"]);
  }, 30_000);

  test("bad parameters are refused with 400 and a message naming them", async () => {
    for (const [query, message] of [
      ["match[]={", 'invalid parameter "match[]"'],
      ["start=yesterday", 'invalid parameter "start"'],
      ["kind=other", 'invalid parameter "kind"'],
      ["limit=0", 'invalid parameter "limit"'],
    ]) {
      const res = await fetch(`${a.url}/api/v1/alerts/history?${query}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as Rec;
      expect(body).toMatchObject({ status: "error", errorType: "bad_data" });
      expect(body.error).toContain(message);
    }
  });
});
