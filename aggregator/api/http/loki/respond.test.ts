import { expect, test } from "bun:test";
import { TOO_MANY_SAMPLES } from "../../../promql/engine/limits.ts";
import { PromQLError } from "../../../promql/value.ts";
import { toLokiError } from "./respond.ts";

test("a query over its samples limit is the client's error (400), another execution error is 500", () => {
  const limit = toLokiError(new PromQLError("execution", TOO_MANY_SAMPLES));
  expect([limit.status, limit.message]).toEqual([400, TOO_MANY_SAMPLES]);
  expect(toLokiError(new PromQLError("execution", "something else")).status).toBe(500);
});
