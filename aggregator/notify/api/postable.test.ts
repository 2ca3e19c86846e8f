import { expect, test } from "bun:test";
import { MAX_ALERT_CHARS, validateAlert } from "./postable.ts";

test("validateAlert() refuses an alert too large to share as one NATS message", () => {
  const alert = (annotation: string) => ({
    labels: { alertname: "Big" },
    annotations: { description: annotation },
    generatorURL: "http://x/graph",
    startsAt: 1,
    endsAt: 0,
  });
  // Its text counted: label and annotation names and values, and the generator URL.
  const fixed = "alertname".length + "Big".length + "description".length + "http://x/graph".length;
  expect(validateAlert(alert("a".repeat(MAX_ALERT_CHARS - fixed)))).toBeUndefined();
  expect(validateAlert(alert("a".repeat(MAX_ALERT_CHARS - fixed + 1)))).toBe(
    `alert too large: ${MAX_ALERT_CHARS + 1} characters of labels, annotations and generatorURL, at most ${MAX_ALERT_CHARS}`,
  );
  // The aggregator's own rules' alerts are kept whatever their size (sized: false).
  expect(validateAlert(alert("a".repeat(MAX_ALERT_CHARS)), false)).toBeUndefined();
  // At the most, the JSON of the worst characters (\u0001: 6 bytes each) still fits in 1 MiB.
  const worst = JSON.stringify(alert("\u0001".repeat(MAX_ALERT_CHARS - fixed)));
  expect(new TextEncoder().encode(worst).length).toBeLessThan(1024 * 1024);
});

test("validateAlert() refuses a bad annotation name from the API, not from the rules", () => {
  const alert = {
    labels: { alertname: "A" },
    annotations: { "runbook-url": "http://x" },
    startsAt: 1,
    endsAt: 0,
  };
  expect(validateAlert(alert)).toBe('invalid annotations: invalid name "runbook-url"');
  // A Prometheus 3 rule file may name annotations in UTF-8: its alerts are delivered.
  expect(validateAlert(alert, false)).toBeUndefined();
});
