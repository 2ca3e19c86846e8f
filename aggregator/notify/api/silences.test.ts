import { describe, expect, test } from "bun:test";
import { MemoryKeyValueStore } from "../../ingest/kv_memory.ts";
import { SilenceStore } from "../silences/store.ts";
import { MAX_SILENCE_BYTES, silenceRoutes } from "./silences.ts";

const NOW = Date.parse("2030-01-01T00:00:00Z");
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

async function api() {
  const store = new SilenceStore({ kv: new MemoryKeyValueStore(), now: () => NOW });
  await store.start();
  const app = silenceRoutes(store);
  const call = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    const res = await app.request(path, init);
    const text = await res.text();
    return { status: res.status, body: text === "" ? null : JSON.parse(text) };
  };
  return { store, call };
}

const silence = (patch: Record<string, unknown> = {}) => ({
  comment: "c",
  createdBy: "a",
  startsAt: "2029-12-31T23:00:00Z",
  endsAt: "2030-01-01T01:00:00Z",
  matchers: [{ name: "alertname", value: "X", isRegex: false }],
  ...patch,
});

describe("silenceRoutes()", () => {
  test("POST creates, GET reads it back in Alertmanager's shape, DELETE expires it", async () => {
    const { call } = await api();
    const { status, body } = await call("POST", "/api/v2/silences", silence());
    expect(status).toBe(200);
    const id = body.silenceID;
    expect((await call("GET", `/api/v2/silence/${id}`)).body).toEqual({
      id,
      status: { state: "active" },
      updatedAt: "2030-01-01T00:00:00.000Z",
      comment: "c",
      createdBy: "a",
      endsAt: "2030-01-01T01:00:00.000Z",
      matchers: [{ isEqual: true, isRegex: false, name: "alertname", value: "X" }],
      startsAt: "2030-01-01T00:00:00.000Z",
    });
    expect((await call("DELETE", `/api/v2/silence/${id}`)).status).toBe(200);
    expect((await call("GET", `/api/v2/silence/${id}`)).body.endsAt).toBe(
      "2030-01-01T00:00:00.000Z",
    );
  });

  test("GET /api/v2/silences filters on the silences' matchers as Alertmanager does", async () => {
    const { call } = await api();
    await call("POST", "/api/v2/silences", silence());
    const re = [{ name: "severity", value: "crit.*", isRegex: true }];
    await call("POST", "/api/v2/silences", silence({ matchers: re }));
    const count = async (q: string) =>
      (await call("GET", `/api/v2/silences?${q}`)).body.length as number;
    expect(await count("")).toBe(2);
    expect(await count("filter=alertname%3DX")).toBe(1);
    expect(await count(`filter=${encodeURIComponent('severity=~"crit.*"')}`)).toBe(1);
    expect(await count("filter=severity%3Dcrit")).toBe(0);
    expect(await count("filter=alertname%21%3D")).toBe(1);
  });

  const refusals: Array<[string, string, string, unknown, number, unknown]> = [
    [
      "a filter that does not parse",
      "GET",
      "/api/v2/silences?filter=a-b%3Dx",
      undefined,
      400,
      "bad matcher format: a-b=x",
    ],
    [
      "a missing comment",
      "POST",
      "/api/v2/silences",
      silence({ comment: undefined }),
      422,
      { code: 602, message: "comment in body is required" },
    ],
    [
      "no matchers",
      "POST",
      "/api/v2/silences",
      silence({ matchers: [] }),
      422,
      { code: 612, message: "matchers in body should have at least 1 items" },
    ],
    [
      "a matcher without isRegex",
      "POST",
      "/api/v2/silences",
      silence({ matchers: [{ name: "a", value: "b" }] }),
      422,
      { code: 602, message: "matchers.0.isRegex in body is required" },
    ],
    [
      "an empty-matching silence",
      "POST",
      "/api/v2/silences",
      silence({ matchers: [{ name: "a", value: "", isRegex: false }] }),
      400,
      "silence invalid: at least one matcher must not match the empty string",
    ],
    [
      "an end before the start",
      "POST",
      "/api/v2/silences",
      silence({ endsAt: "2029-12-31T22:00:00Z" }),
      400,
      "Failed to create silence: start time must be before end time",
    ],
    [
      "an end in the past",
      "POST",
      "/api/v2/silences",
      silence({ startsAt: "2029-01-01T00:00:00Z", endsAt: "2029-01-02T00:00:00Z" }),
      400,
      "Failed to create silence: end time can't be in the past",
    ],
    [
      "an unknown id",
      "POST",
      "/api/v2/silences",
      silence({ id: UNKNOWN }),
      404,
      "silence not found",
    ],
    ["a body that is not JSON", "POST", "/api/v2/silences", "nope", 400, { code: 400 }],
    [
      "a body over the cap",
      "POST",
      "/api/v2/silences",
      " ".repeat(MAX_SILENCE_BYTES + 1),
      400,
      { code: 400 },
    ],
    [
      "a path id that is not a UUID",
      "GET",
      "/api/v2/silence/nope",
      undefined,
      422,
      { code: 601, message: 'silenceID in path must be of type uuid: "nope"' },
    ],
    ["an unknown id to read", "GET", `/api/v2/silence/${UNKNOWN}`, undefined, 404, null],
    [
      "an unknown id to expire",
      "DELETE",
      `/api/v2/silence/${UNKNOWN}`,
      undefined,
      404,
      "silence not found",
    ],
  ];
  test.each(refusals)("refuses %s", async (_, method, path, body, status, want) => {
    const { call } = await api();
    const res = await call(method, path, body);
    expect(res.status).toBe(status);
    if (want !== null && typeof want === "object") expect(res.body).toMatchObject(want);
    else expect(res.body).toEqual(want);
  });
});
