import { describe, expect, test } from "bun:test";
import { commonLabels, templates } from "../../test/harness/template_cases.ts";
import { type AlertTemplateData, expandAlertTemplate } from "./alert.ts";

// Values whose renderings differ, so that a parse reused with other data shows in the output.
const values = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e-7, 1234.5678, 90061, 1.5e300];

function dataFor(value: number, i: number): AlertTemplateData {
  return {
    labels: { ...commonLabels, case: `c${i}`, alertname: "Cached" },
    value,
    externalLabels: { cluster: `k${i % 3}` },
    externalURL: `http://prom-${i}.example.com:9090`,
    alertName: i % 2 === 0 ? "Even" : "Odd",
    query: async (q) => [{ labels: { q, case: `c${i}` }, value }],
  };
}

describe("expandAlertTemplate()", () => {
  test("gives what a fresh parse gives, for every case template and value, run after run", async () => {
    const texts = [
      ...templates,
      "{{ $labels.job",
      "{{ nosuchfunc }}",
      "plain text",
      "",
      "}} { a }",
      "{{ externalURL }} {{ pathPrefix }}",
    ];
    let compared = 0;
    for (let round = 0; round < 2; round++)
      for (const text of texts)
        for (const [i, value] of values.entries()) {
          const data = dataFor(value, i + round);
          const cached = await expandAlertTemplate(text, data);
          expect({ text, value, out: cached }).toEqual({
            text,
            value,
            out: await expandAlertTemplate(text, data, { reference: true }),
          });
          compared++;
        }
    expect(compared).toBe(2 * (templates.length + 6) * values.length);
  });

  test("names the alert in an error even when the same text was parsed for another alert", async () => {
    const text = `{{ humanize "not a number" }}`;
    const even = await expandAlertTemplate(text, dataFor(1, 0));
    const odd = await expandAlertTemplate(text, dataFor(1, 1));
    expect(even).toContain("__alert_Even");
    expect(odd).toContain("__alert_Odd");
  });
});

describe("the parse shared between alerts", () => {
  test("a text parsed for one alert expands for another as its own parse does", async () => {
    const texts = [
      "{{ $labels.instance }} is {{ $value | humanize }}",
      '{{ define "x" }}X{{ end }}{{ template "x" }} {{ $labels.job }}',
      '{{ index $labels "job" | printf "%q" | len | printf "%d %s" }}',
      "{{ $value | humanizeDuration }}",
      '{{ define "y" }}Y{{ end }}{{ $labels.job }}',
      "{{ $labels.nosuch.field }}",
    ];
    for (const text of texts)
      for (const [i, value] of values.entries()) {
        const data = { ...dataFor(value, i), alertName: `Shared${i}` };
        expect(await expandAlertTemplate(text, data)).toBe(
          await expandAlertTemplate(text, data, { reference: true }),
        );
      }
  });

  test("a changed text is parsed anew, not served another text's parse", async () => {
    const data = { ...dataFor(42, 0), alertName: "Changed" };
    expect(await expandAlertTemplate("v={{ $value }}", data)).toBe("v=42");
    expect(await expandAlertTemplate("w={{ $value }}", data)).toBe("w=42");
    expect(await expandAlertTemplate("v={{ $value }}!", data)).toBe("v=42!");
  });

  test("a shared parse keeps each external URL its functions were bound to", async () => {
    const text = "{{ externalURL }}";
    for (const url of ["http://a:9090", "http://b:9090", "http://a:9090"])
      expect(await expandAlertTemplate(text, { ...dataFor(1, 0), externalURL: url })).toBe(url);
  });
});
