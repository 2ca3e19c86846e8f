import { describe, expect, test } from "bun:test";
import { rulerSchema } from "./config.ts";
import { checkUpload, readCapped, UploadRefused } from "./upload.ts";

const config = rulerSchema.parse({ max_rule_groups_per_tenant: 2, max_rules_per_rule_group: 2 });
const GOOD = "name: api\nrules:\n  - alert: Up\n    expr: up == 0\n    for: 5m\n";

/** The refusal of an upload of `text` into `ns` for a tenant with `others` groups besides. */
function refusal(ns: string, text: string, others = 0): string {
  try {
    checkUpload(ns, text, config, () => others);
  } catch (err) {
    if (err instanceof UploadRefused) return `${err.status} ${err.message}`;
    throw err;
  }
  return "accepted";
}

describe("checkUpload()", () => {
  test("accepts a group promtool accepts, giving its name and rule count", () => {
    expect(checkUpload("ns", GOOD, config, () => 0)).toEqual({ name: "api", rules: 1 });
  });

  test.each([
    [
      "a bad expression, naming the namespace, line, column, group and rule",
      "ns",
      "name: api\nrules:\n  - alert: Up\n    expr: up ==\n",
      0,
      '400 Cannot store rule group: ns:4:11: group "api", rule 1, "Up": could not parse expression: 1:6: parse error: unexpected end of input',
    ],
    [
      "an unknown field",
      "ns",
      "name: api\nrulez: []\n",
      0,
      '400 Cannot store rule group: ns:2:1: group "api": unknown field "rulez" in rule group',
    ],
    [
      "a rule that is neither alert nor record",
      "ns",
      "name: api\nrules:\n  - expr: up\n",
      0,
      "400 Cannot store rule group: ns:3:5: group \"api\", rule 1, \"\": one of 'record' or 'alert' must be set",
    ],
    [
      "no group name",
      "ns",
      "rules: []\n",
      0,
      "400 Cannot store rule group: ns:1:1: Groupname must not be empty",
    ],
    ["an empty body", "ns", "", 0, "400 Cannot store rule group: the body holds no rule group"],
    [
      "an empty namespace",
      "",
      GOOD,
      0,
      "400 Cannot store rule group: the namespace name is invalid: it is empty",
    ],
    [
      "a namespace with a control character",
      "a\nb",
      GOOD,
      0,
      "400 Cannot store rule group: the namespace name is invalid: it holds a control character",
    ],
    [
      "a namespace over 255 bytes",
      "n".repeat(256),
      GOOD,
      0,
      "400 Cannot store rule group: the namespace name is invalid: it is 256 bytes, over 255",
    ],
    [
      "more rules than max_rules_per_rule_group",
      "ns",
      `name: api\nrules:\n${"  - record: r\n    expr: up\n".repeat(3)}`,
      0,
      '400 Cannot store rule group "api": it has 3 rules, over ruler.max_rules_per_rule_group (2)',
    ],
    [
      "a group past max_rule_groups_per_tenant",
      "ns",
      GOOD,
      2,
      '400 Cannot store rule group "api": the tenant would have more than ruler.max_rule_groups_per_tenant (2) groups',
    ],
  ])("refuses %s", (_what, ns, text, others, want) => {
    expect(refusal(ns, text, others)).toBe(want);
  });
});

describe("readCapped()", () => {
  const req = (body: string | Uint8Array) => new Request("http://x/", { method: "POST", body });

  test("reads a body within the cap", async () => {
    expect(await readCapped(req(GOOD), 1024)).toBe(GOOD);
  });

  test.each([
    [
      "a body over the cap",
      req("x".repeat(100)),
      413,
      "the body is over ruler.max_group_bytes (10 bytes)",
    ],
    [
      "a body that is not UTF-8",
      req(new Uint8Array([0xff, 0xfe])),
      400,
      "the body is not UTF-8 text",
    ],
  ])("refuses %s", async (_what, r, status, message) => {
    const err = await readCapped(r, 10).catch((e) => e);
    expect(err).toBeInstanceOf(UploadRefused);
    expect([err.status, err.message]).toEqual([status, `Cannot store rule group: ${message}`]);
  });
});
