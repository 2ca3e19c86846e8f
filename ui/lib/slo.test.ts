import { expect, test } from "bun:test";
import { budgetOf, burnRateQuery, byWindow, percent, thresholdsOf, windowText } from "./slo.ts";

// As aggregator/slo/generate.ts writes a page alert.
const page = `(
    max(slo:sli_error:ratio_rate5m{sloth_id="shop-x", sloth_service="shop", sloth_slo="x"} > (14.4 * 0.01)) without (sloth_window)
    and
    max(slo:sli_error:ratio_rate1h{sloth_id="shop-x", sloth_service="shop", sloth_slo="x"} > (14.4 * 0.01)) without (sloth_window)
)
or
(
    max(slo:sli_error:ratio_rate30m{sloth_id="shop-x", sloth_service="shop", sloth_slo="x"} > (6 * 0.01)) without (sloth_window)
    and
    max(slo:sli_error:ratio_rate6h{sloth_id="shop-x", sloth_service="shop", sloth_slo="x"} > (6 * 0.01)) without (sloth_window)
)
`;

test("thresholdsOf() reads each burn factor and its windows from the alert expressions", () => {
  const rules = [{ query: page, labels: [{ name: "sloth_severity", value: "page" }] }];
  expect(thresholdsOf(rules)).toEqual([
    { severity: "page", windowText: "5m, 1h", factor: 14.4 },
    { severity: "page", windowText: "30m, 6h", factor: 6 },
  ]);
});

test("burnRateQuery(), budgetOf() and percent()", () => {
  expect(burnRateQuery("shop-x")).toBe(
    '{__name__=~"slo:sli_error:ratio_rate.+", sloth_id="shop-x"}',
  );
  expect(budgetOf(99)).toBeCloseTo(0.01);
  expect(percent(0.4567)).toBe("45.7 %");
  expect(percent(undefined)).toBe("no data");
});

test("windowText() writes whole days as days and byWindow() sorts windows by length", () => {
  expect(windowText(30 * 86_400_000)).toBe("30d");
  expect(windowText(300_000)).toBe("5m");
  expect(["1d", "5m", "30d", "2h", "30m"].sort(byWindow)).toEqual(["5m", "30m", "2h", "1d", "30d"]);
});
