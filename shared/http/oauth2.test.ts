import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OAuth2Config } from "../config/http.ts";
import { OAuth2Tokens } from "./oauth2.ts";

/** What the token endpoint saw: each request's Authorization header and form. */
interface Asked {
  authorization: string | null;
  raw: string;
  form: Record<string, string>;
}

const asked: Asked[] = [];
/** How the endpoint answers: "header" takes Basic credentials only, "form" form ones only. */
let takes: "header" | "form" = "header";
let answer: { status: number; body: string; type: string } | null = null;
/** How long the endpoint waits before it answers. */
let delayMs = 0;

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const raw = await req.text();
    const form = Object.fromEntries(new URLSearchParams(raw));
    const authorization = req.headers.get("authorization");
    asked.push({ authorization, raw, form });
    if (delayMs > 0) await Bun.sleep(delayMs);
    if (answer)
      return new Response(answer.body, {
        status: answer.status,
        headers: { "Content-Type": answer.type },
      });
    const viaHeader = authorization === `Basic ${btoa("my+id:s%3Acr%21t")}`;
    const viaForm = form.client_id === "my id" && form.client_secret === "s:cr!t";
    if ((takes === "header" && viaHeader) || (takes === "form" && viaForm))
      return Response.json({
        access_token: `tok${asked.length}`,
        token_type: "bearer",
        expires_in: 60,
      });
    return Response.json(
      { error: "invalid_client", error_description: "who are you" },
      { status: 401 },
    );
  },
});
afterAll(() => server.stop(true));

function config(over: Partial<OAuth2Config> = {}): OAuth2Config {
  return {
    client_id: "my id",
    client_secret: "s:cr!t",
    scopes: ["read", "metrics"],
    token_url: `http://127.0.0.1:${server.port}/token`,
    endpoint_params: { audience: "scrapes" },
    tls_config: { insecure_skip_verify: false },
    proxy_from_environment: false,
    proxy_connect_header: {},
    ...over,
  };
}

const signal = () => new AbortController().signal;

describe("OAuth2Tokens", () => {
  test("asks with Basic credentials, the scopes and endpoint_params, and reuses the token until 10 s before it expires", async () => {
    asked.length = 0;
    takes = "header";
    let now = 1_000_000;
    const tokens = new OAuth2Tokens(config(), () => now);
    expect(await tokens.authorization(signal())).toBe("Bearer tok1");
    expect(asked[0]?.raw).toBe("audience=scrapes&grant_type=client_credentials&scope=read+metrics");
    expect(asked[0]?.form).toEqual({
      grant_type: "client_credentials",
      scope: "read metrics",
      audience: "scrapes",
    });
    now += 49_000;
    expect(await tokens.authorization(signal())).toBe("Bearer tok1");
    now += 2_000;
    expect(await tokens.authorization(signal())).toBe("Bearer tok2");
    expect(asked.length).toBe(2);
  });

  test("falls back to credentials in the form when the endpoint refuses the header, and keeps to it", async () => {
    asked.length = 0;
    takes = "form";
    let now = 0;
    const tokens = new OAuth2Tokens(config(), () => now);
    expect(await tokens.authorization(signal())).toBe("Bearer tok2");
    now += 3_600_000;
    expect(await tokens.authorization(signal())).toBe("Bearer tok3");
    expect(asked.map((a) => a.authorization !== null)).toEqual([true, false, false]);
  });

  test("a refusal names the status and the endpoint's error", async () => {
    asked.length = 0;
    takes = "header";
    const tokens = new OAuth2Tokens(config({ client_secret: "wrong" }));
    await expect(tokens.authorization(signal())).rejects.toThrow(
      "oauth2: cannot fetch token: 401 Unauthorized (invalid_client: who are you)",
    );
  });

  test("a changed secret file drops the token held", async () => {
    asked.length = 0;
    takes = "header";
    const dir = mkdtempSync(join(tmpdir(), "outpost-oauth2-"));
    const file = join(dir, "secret");
    writeFileSync(file, "s:cr!t\n");
    const tokens = new OAuth2Tokens(config({ client_secret: undefined, client_secret_file: file }));
    expect(await tokens.authorization(signal())).toBe("Bearer tok1");
    expect(await tokens.authorization(signal())).toBe("Bearer tok1");
    writeFileSync(file, "wrong\n");
    await expect(tokens.authorization(signal())).rejects.toThrow("401 Unauthorized");
  });

  test("reads a form-encoded answer, a token without expiry, and refuses one without a token", async () => {
    answer = {
      status: 200,
      body: "access_token=gh1&token_type=bearer",
      type: "application/x-www-form-urlencoded",
    };
    let now = 0;
    const tokens = new OAuth2Tokens(config(), () => now);
    expect(await tokens.authorization(signal())).toBe("Bearer gh1");
    now += 365 * 86_400_000;
    answer = { status: 200, body: "{}", type: "application/json" };
    expect(await tokens.authorization(signal())).toBe("Bearer gh1");
    await expect(new OAuth2Tokens(config()).authorization(signal())).rejects.toThrow(
      "oauth2: server response missing access_token",
    );
    answer = null;
  });
});

describe("OAuth2Tokens, as x/oauth2 asks", () => {
  test("a caller that gives up does not fail the others waiting for the same token", async () => {
    asked.length = 0;
    takes = "header";
    delayMs = 200;
    try {
      const tokens = new OAuth2Tokens(config());
      const hasty = tokens.authorization(AbortSignal.timeout(50));
      const patient = tokens.authorization(AbortSignal.timeout(5_000));
      await expect(hasty).rejects.toThrow();
      expect(await patient).toBe("Bearer tok1");
      expect(asked.length).toBe(1);
    } finally {
      delayMs = 0;
    }
  });

  test("refuses an answer over 1 MiB, and endpoint_params that would replace the scope", async () => {
    answer = { status: 200, body: "x".repeat((1 << 20) + 1), type: "application/json" };
    try {
      await expect(new OAuth2Tokens(config()).authorization(signal())).rejects.toThrow(
        "the answer is over 1048576 bytes",
      );
    } finally {
      answer = null;
    }
    const scoped = new OAuth2Tokens(config({ endpoint_params: { scope: "all" } }));
    await expect(scoped.authorization(signal())).rejects.toThrow(
      'oauth2: cannot overwrite parameter "scope"',
    );
  });

  test("leaves an empty client_secret out of the form", async () => {
    asked.length = 0;
    takes = "form";
    await new OAuth2Tokens(config({ client_secret: "" })).authorization(signal()).catch(() => {});
    expect(asked.at(-1)?.form.client_secret).toBeUndefined();
    expect(asked.at(-1)?.form.client_id).toBe("my id");
  });
});
