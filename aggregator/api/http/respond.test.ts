import { describe, expect, test } from "bun:test";
import { type ErrorCode, OutpostError } from "../../../shared/errors/errors.ts";
import { PromQLError, type SeriesPoints } from "../../promql/value.ts";
import { seriesListJson } from "./format.ts";
import { capAnnotations, failure, invalidParam, success, toApiError } from "./respond.ts";
import { seriesListBytes } from "./series_bytes.ts";

describe("failure()", () => {
  // [error type, HTTP status Prometheus answers with]
  const cases: [ErrorCode, number][] = [
    ["bad_data", 400],
    ["execution", 422],
    ["timeout", 503],
    ["canceled", 503],
    ["internal", 500],
    ["not_found", 404],
    ["unavailable", 503],
  ];
  for (const [type, status] of cases) {
    test(`answers ${type} with HTTP ${status} and Prometheus's error envelope`, async () => {
      const res = failure(new OutpostError(type, "it broke"));
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(await res.text()).toBe(`{"status":"error","errorType":"${type}","error":"it broke"}`);
    });
  }
});

describe("success()", () => {
  test("wraps data without annotations when there are none", async () => {
    expect(await success("[]").text()).toBe('{"status":"success","data":[]}');
  });

  test("adds warnings and infos when present", async () => {
    const body = await success("1", ["w"], ["i"]).text();
    expect(body).toBe('{"status":"success","data":1,"warnings":["w"],"infos":["i"]}');
  });

  test("escapes <, > and & as Go's JSON encoder does", async () => {
    const body = await success(JSON.stringify(["a<b>&c"])).text();
    expect(body).toBe('{"status":"success","data":["a\\u003cb\\u003e\\u0026c"]}');
    expect(JSON.parse(body).data).toEqual(["a<b>&c"]);
  });

  test("sends parts of bytes, whose buffer the next answer then writes into", async () => {
    const answer = (value: number): SeriesPoints[] => [
      {
        labels: ["__name__", "up"],
        timestamps: Float64Array.from({ length: 3_000 }, (_, i) => i * 60_000),
        values: new Float64Array(3_000).fill(value),
      },
    ];
    const first = seriesListBytes(answer(0.25));
    const res = success(["[", first, "]"], ["w"]);
    // The Blob has copied the first answer: the second overwrites its buffer.
    const second = seriesListBytes(answer(7));
    expect(second.buffer).toBe(first.buffer);
    // Taken while the second holds it, the buffer is not written into by a third.
    expect(seriesListBytes(answer(9)).buffer).not.toBe(second.buffer);
    expect(await res.text()).toBe(
      `{"status":"success","data":[${seriesListJson(answer(0.25))}],"warnings":["w"]}`,
    );
    expect(new TextDecoder().decode(second)).toBe(seriesListJson(answer(7)));
  });
});

describe("capAnnotations()", () => {
  test("keeps ten and counts the rest, as Prometheus's AsStrings", () => {
    const many = Array.from({ length: 13 }, (_, i) => `w${i}`);
    const capped = capAnnotations(many, "warning");
    expect(capped).toHaveLength(11);
    expect(capped[10]).toBe("3 more warning annotations omitted");
    expect(capAnnotations(["a"], "info")).toEqual(["a"]);
  });
});

describe("toApiError()", () => {
  // [what, thrown, type, message]
  const cases: [string, unknown, ErrorCode, string][] = [
    [
      "keeps an engine error's type",
      new PromQLError("execution", "too many samples"),
      "execution",
      "too many samples",
    ],
    ["keeps an API error", new OutpostError("not_found", "gone"), "not_found", "gone"],
    ["reports anything else as internal", new Error("disk on fire"), "internal", "disk on fire"],
    ["reports a thrown string as internal", "oops", "internal", "oops"],
  ];
  for (const [what, thrown, type, message] of cases) {
    test(what, () => {
      const err = toApiError(thrown);
      expect(err.code).toBe(type);
      expect(err.message).toBe(message);
    });
  }
});

describe("invalidParam()", () => {
  test("words a bad parameter as Prometheus's invalidParamError", () => {
    const err = invalidParam("time", new Error('cannot parse "x" to a valid timestamp'));
    expect(err.code).toBe("bad_data");
    expect(err.message).toBe('invalid parameter "time": cannot parse "x" to a valid timestamp');
  });
});
