import { describe, expect, test } from "bun:test";
import { parseAlertmanagerConfig } from "./load.ts";

const email = (smarthost: string) =>
  `global: {smtp_from: a@example.org}\nroute: {receiver: r}\nreceivers:\n  - name: r\n    email_configs: [{to: b@example.org, smarthost: '${smarthost}'}]\n`;

const AT = "am.yml:5:52: receivers[0].email_configs[0].smarthost";

describe("an e-mail smarthost", () => {
  test.each([
    ["h", `${AT}: address h: missing port in address`],
    ["h:", `${AT}: address "h:": port cannot be empty`],
    ["[::1]", `${AT}: address [::1]: missing port in address`],
    ["[::1:25", `${AT}: address [::1:25: missing ']' in address`],
    ["a]:25", `${AT}: address a]:25: unexpected ']' in address`],
    ["::1:25", `${AT}: address ::1:25: too many colons in address`],
  ])("%p is refused with Go's words, as amtool 0.25 refuses it", (smarthost, message) => {
    expect(() => parseAlertmanagerConfig(email(smarthost), "am.yml")).toThrow(message);
  });

  test.each(["smtp.example.org:587", "[::1]:25", ":25", "h:smtp"])(
    "%p is accepted",
    (smarthost) => {
      expect(() => parseAlertmanagerConfig(email(smarthost), "am.yml")).not.toThrow();
    },
  );

  test("left empty in global is not checked, as Alertmanager leaves it unset", () => {
    const text = "global: {smtp_smarthost: ''}\nroute: {receiver: r}\nreceivers: [{name: r}]\n";
    expect(() => parseAlertmanagerConfig(text, "am.yml")).not.toThrow();
  });
});
