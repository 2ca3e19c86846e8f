import { expect, test } from "bun:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { OutpostError } from "../../../shared/errors/errors.ts";
import { OutOfMemoryError, TOO_MANY_SAMPLES } from "../../promql/engine/limits.ts";
import { PromQLError } from "../../promql/value.ts";
import { codeName, toConnectError } from "./errors.ts";

test.each([
  ["a parse error", new OutpostError("bad_data", "1:5: parse error: x"), Code.InvalidArgument],
  ["a timeout", new OutpostError("timeout", "query timed out"), Code.DeadlineExceeded],
  ["a cancel", new OutpostError("canceled", "query was canceled"), Code.Canceled],
  ["the sample limit", new PromQLError("execution", TOO_MANY_SAMPLES), Code.ResourceExhausted],
  [
    "out of memory",
    new OutOfMemoryError("storage", "query would read too many samples from storage"),
    Code.ResourceExhausted,
  ],
  [
    "another execution error",
    new PromQLError("execution", "vector cannot contain metrics with the same labelset"),
    Code.FailedPrecondition,
  ],
  ["not found", new OutpostError("not_found", "no such rule"), Code.NotFound],
  ["anything else", new RangeError("a bug"), Code.Internal],
] as const)(
  "toConnectError() gives %s its Connect code and keeps the message",
  (_what, err, code) => {
    const e = toConnectError(err);
    expect([e.code, e.rawMessage]).toEqual([code, err.message]);
  },
);

test("toConnectError() passes a ConnectError through", () => {
  const e = new ConnectError("x", Code.Unauthenticated);
  expect(toConnectError(e)).toBe(e);
});

test("codeName() writes codes as Connect's JSON does", () => {
  expect([Code.InvalidArgument, Code.DeadlineExceeded, Code.Canceled].map(codeName)).toEqual([
    "invalid_argument",
    "deadline_exceeded",
    "canceled",
  ]);
});
