import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { authSchema } from "./config.ts";
import { clientAddress, Guard } from "./guard.ts";

/** An app behind a guard (authentication off) that answers the client address it sees. */
function app(trusted: string[]) {
  const guard = new Guard(() => null, authSchema.parse({ trusted_proxies: trusted }), false);
  const a = new Hono();
  a.use(guard.middleware());
  a.get("/", (c) => c.text(clientAddress(c)));
  return async (peer: string, xff?: string) => {
    const headers: Record<string, string> = xff ? { "X-Forwarded-For": xff } : {};
    const env = { requestIP: () => ({ address: peer }) };
    return (await a.request("/", { headers }, env)).text();
  };
}

describe("clientAddress()", () => {
  test("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    expect(await app([])("10.0.0.5", "1.2.3.4")).toBe("10.0.0.5");
    expect(await app(["10.0.0.9"])("10.0.0.5", "1.2.3.4")).toBe("10.0.0.5");
  });

  test("takes the right-most untrusted hop behind trusted proxies, not what the client claimed", async () => {
    const behind = app(["10.0.0.9", "10.0.0.8"]);
    expect(await behind("10.0.0.9", "6.6.6.6, 1.2.3.4, 10.0.0.8")).toBe("1.2.3.4");
    expect(await behind("10.0.0.9")).toBe("10.0.0.9");
  });
});
