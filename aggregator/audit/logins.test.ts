import { describe, expect, test } from "bun:test";
import { LoginAudit } from "./logins.ts";
import type { AuditInput } from "./record.ts";

describe("LoginAudit", () => {
  test("records the first rate-limited attempt at once and counts the rest of its window in one", async () => {
    const got: AuditInput[] = [];
    const logins = new LoginAudit((r) => got.push(r), 50);
    for (let i = 0; i < 5; i++) logins.rateLimited("alice", "10.0.0.1");
    logins.rateLimited("bob", "10.0.0.1");
    expect(got.map((r) => [r.target, r.count])).toEqual([
      ["alice", 1],
      ["bob", 1],
    ]);
    await Bun.sleep(80);
    expect(got.map((r) => [r.target, r.count, r.outcome])).toEqual([
      ["alice", 1, "denied"],
      ["bob", 1, "denied"],
      ["alice", 4, "denied"],
    ]);
  });

  test("records failures, successes and logouts with the user and address", () => {
    const got: AuditInput[] = [];
    const logins = new LoginAudit((r) => got.push(r));
    logins.failed("alice", "10.0.0.2");
    logins.succeeded("alice", "10.0.0.2");
    logins.loggedOut("alice", "10.0.0.3");
    expect(got.map((r) => [r.action, r.actor.name, r.source, r.outcome])).toEqual([
      ["login", "alice", "10.0.0.2", "failed"],
      ["login", "alice", "10.0.0.2", "ok"],
      ["logout", "alice", "10.0.0.3", "ok"],
    ]);
  });
});
