import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { blockEventLoop } from "../../../shared/runtime/testing.ts";
import { parseAgentConfig } from "../../config/load.ts";
import { BodySizeLimitError } from "./body.ts";
import { SCRAPE_ACCEPT, ScrapeFetcher } from "./fetch.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-fetch-"));
/** Headers of the last request (copied: Bun releases the Request after responding). */
let seen = new Headers();
let plain: ReturnType<typeof Bun.serve>;
let tls: ReturnType<typeof Bun.serve>;
const body = "up_test 1\n";

function job(yaml: string) {
  const text = `scrape_configs:\n  - job_name: j\n${yaml}    static_configs:\n      - targets: ["x:1"]\n`;
  return parseAgentConfig(text, join(dir, "agent.yaml")).scrape_configs[0];
}

const fetchOnce = (url: string, yaml = "", env?: Record<string, string>) =>
  new ScrapeFetcher(url, job(yaml), env).fetch(1000, new AbortController().signal);

/** An HTTP proxy for http targets (absolute-form requests): records them and answers itself. */
function httpProxy() {
  const asked: { url: string; headers: Headers }[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      asked.push({ url: req.url, headers: new Headers(req.headers) });
      return new Response("via_proxy 1\n");
    },
  });
  return { asked, url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

/** A CONNECT proxy for https targets: records each CONNECT's head, then tunnels to the target. */
async function connectProxy() {
  const heads: string[] = [];
  const server: Server = createServer((client) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) return;
      client.off("data", onData);
      const head = buffered.subarray(0, end).toString();
      heads.push(head);
      const [host, port] = head.split(" ")[1].split(":");
      const upstream = connect(Number(port), host === "localhost" ? "127.0.0.1" : host, () => {
        client.write("HTTP/1.1 200 Connection established\r\n\r\n");
        upstream.write(buffered.subarray(end + 4));
        client.pipe(upstream).pipe(client);
      });
      upstream.on("error", () => client.destroy());
    };
    client.on("data", onData);
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as { port: number };
  return { heads, url: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

beforeAll(() => {
  // A self-signed certificate for localhost, made fresh for this run.
  const r = Bun.spawnSync([
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-keyout",
    join(dir, "key.pem"),
    "-out",
    join(dir, "cert.pem"),
  ]);
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  const handler = (req: Request) => {
    seen = new Headers(req.headers);
    const url = new URL(req.url);
    if (url.pathname === "/gzip") {
      return new Response(gzipSync(body), {
        headers: { "Content-Encoding": "gzip", "Content-Type": "text/plain; version=0.0.4" },
      });
    }
    if (url.pathname === "/trickle") {
      return new Response(
        new ReadableStream({
          async pull(c) {
            await Bun.sleep(50);
            c.enqueue(new TextEncoder().encode("# still here\n"));
          },
        }),
      );
    }
    if (url.pathname === "/big") return new Response("x".repeat(5000));
    if (url.pathname === "/moved") return Response.redirect(`${url.origin}/metrics`, 302);
    if (url.pathname === "/gzip-big") {
      return new Response(gzipSync("x".repeat(5000)), { headers: { "Content-Encoding": "gzip" } });
    }
    return new Response(body, { headers: { "Content-Type": "text/plain; version=0.0.4" } });
  };
  plain = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler });
  tls = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert: Bun.file(join(dir, "cert.pem")), key: Bun.file(join(dir, "key.pem")) },
    fetch: handler,
  });
  writeFileSync(join(dir, "token"), "s3cret\n");
});
afterAll(() => {
  plain.stop(true);
  tls.stop(true);
});

describe("ScrapeFetcher", () => {
  test("sends Prometheus's Accept header, gzip, and the scrape timeout", async () => {
    await fetchOnce(`http://127.0.0.1:${plain.port}/metrics`);
    expect(seen.get("accept")).toBe(SCRAPE_ACCEPT);
    expect(seen.get("accept-encoding")).toContain("gzip");
    expect(seen.get("x-prometheus-scrape-timeout-seconds")).toBe("1");
  });

  test("a redirect is followed, unless follow_redirects is false: then the 302 fails the scrape", async () => {
    const moved = `http://127.0.0.1:${plain.port}/moved`;
    expect(new TextDecoder().decode((await fetchOnce(moved)).body)).toBe(body);
    await expect(fetchOnce(moved, "    follow_redirects: false\n")).rejects.toThrow(
      "server returned HTTP status 302 Found",
    );
  });

  test("proxy_url sends the scrape through the proxy", async () => {
    const proxy = httpProxy();
    try {
      const target = "http://outpost-no-such-host.invalid:9100/metrics";
      const got = await fetchOnce(target, `    proxy_url: ${proxy.url}\n`);
      expect(new TextDecoder().decode(got.body)).toBe("via_proxy 1\n");
      expect(proxy.asked.map((a) => a.url)).toEqual([target]);
    } finally {
      proxy.stop();
    }
  });

  test("no_proxy sends listed hosts, and then loopback ones, directly; others through proxy_url", async () => {
    const proxy = httpProxy();
    try {
      const yaml = `    proxy_url: ${proxy.url}\n    no_proxy: listed.invalid, 10.0.0.0/8\n`;
      const elsewhere = "http://outpost-no-such-host.invalid:9100/metrics";
      expect(new TextDecoder().decode((await fetchOnce(elsewhere, yaml)).body)).toBe(
        "via_proxy 1\n",
      );
      // Directly, so the name does not resolve; the proxy is not asked.
      await expect(fetchOnce("http://listed.invalid:9100/metrics", yaml)).rejects.toThrow();
      const local = await fetchOnce(`http://127.0.0.1:${plain.port}/metrics`, yaml);
      expect(new TextDecoder().decode(local.body)).toBe(body);
      expect(proxy.asked.map((a) => a.url)).toEqual([elsewhere]);
    } finally {
      proxy.stop();
    }
  });

  test("HTTP_PROXY is used only with proxy_from_environment, as in Prometheus", async () => {
    const proxy = httpProxy();
    const saved = process.env.HTTP_PROXY;
    // Bun's fetch reads the real environment, so it is set there.
    process.env.HTTP_PROXY = proxy.url;
    try {
      const target = "http://outpost-no-such-host.invalid:9100/metrics";
      await expect(fetchOnce(target)).rejects.toThrow();
      expect(proxy.asked).toEqual([]);
      const env = { HTTP_PROXY: proxy.url, NO_PROXY: "other.invalid" };
      const got = await fetchOnce(target, "    proxy_from_environment: true\n", env);
      expect(new TextDecoder().decode(got.body)).toBe("via_proxy 1\n");
      expect(proxy.asked.map((a) => a.url)).toEqual([target]);
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
      proxy.stop();
    }
  });

  test("proxy_connect_header goes on the CONNECT of an https scrape, not with an http one", async () => {
    const tunnel = await connectProxy();
    const proxy = httpProxy();
    try {
      const headers = "    proxy_connect_header: {X-Proxy-Token: [abc, def]}\n";
      const secure = `    scheme: https\n    tls_config: {ca_file: cert.pem}\n    proxy_url: ${tunnel.url}\n${headers}`;
      const got = await fetchOnce(`https://localhost:${tls.port}/metrics`, secure);
      expect(new TextDecoder().decode(got.body)).toBe(body);
      expect(tunnel.heads).toHaveLength(1);
      expect(tunnel.heads[0]).toStartWith(`CONNECT localhost:${tls.port} HTTP/1.1`);
      expect(tunnel.heads[0]).toMatch(/\r\nX-Proxy-Token: abc, ?def(\r\n|$)/i);
      await fetchOnce(
        "http://outpost-no-such-host.invalid:1/metrics",
        `    proxy_url: ${proxy.url}\n${headers}`,
      );
      expect(proxy.asked[0].headers.has("x-proxy-token")).toBe(false);
    } finally {
      tunnel.stop();
      proxy.stop();
    }
  });

  test("oauth2 asks the token endpoint over TLS once, and sends the token to every target of the job", async () => {
    let tokens = 0;
    const issuer = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      tls: { cert: Bun.file(join(dir, "cert.pem")), key: Bun.file(join(dir, "key.pem")) },
      fetch(req) {
        if (req.headers.get("authorization") !== `Basic ${btoa("scraper:s3cret")}`)
          return Response.json({ error: "invalid_client" }, { status: 401 });
        tokens++;
        return Response.json({ access_token: "tok-1", token_type: "bearer", expires_in: 3600 });
      },
    });
    try {
      const oauth2 = (secret: string) => `    oauth2:
      client_id: scraper
      client_secret_file: ${secret}
      token_url: https://localhost:${issuer.port}/token
      tls_config: {ca_file: cert.pem}
`;
      const j = job(oauth2("token"));
      for (const path of ["/a", "/b"]) {
        const fetcher = new ScrapeFetcher(`http://127.0.0.1:${plain.port}${path}`, j);
        await fetcher.fetch(1000, new AbortController().signal);
        expect(seen.get("authorization")).toBe("Bearer tok-1");
      }
      expect(tokens).toBe(1);
      writeFileSync(join(dir, "wrong"), "nope\n");
      await expect(fetchOnce(`http://127.0.0.1:${plain.port}/a`, oauth2("wrong"))).rejects.toThrow(
        "oauth2: cannot fetch token: 401 Unauthorized (invalid_client)",
      );
    } finally {
      issuer.stop(true);
    }
  });

  test("a gzip-encoded body arrives decompressed", async () => {
    const got = await fetchOnce(`http://127.0.0.1:${plain.port}/gzip`);
    expect(new TextDecoder().decode(got.body)).toBe(body);
    expect(got.contentType).toContain("version=0.0.4");
  });

  test.each([
    ["basic_auth", "    basic_auth: {username: u, password: p}\n", `Basic ${btoa("u:p")}`],
    [
      "authorization from a credentials file",
      "    authorization: {credentials_file: token}\n",
      "Bearer s3cret",
    ],
    ["a legacy bearer_token", "    bearer_token: abc\n", "Bearer abc"],
  ])("%s sets the Authorization header", async (_name, yaml, header) => {
    await fetchOnce(`http://127.0.0.1:${plain.port}/metrics`, yaml);
    expect(seen.get("authorization")).toBe(header);
  });

  test.each(["/big", "/gzip-big"])(
    "a body over body_size_limit (%s: declared length, or counted after gunzip) is cut",
    async (path) => {
      const url = `http://127.0.0.1:${plain.port}${path}`;
      const err = await fetchOnce(url, "    body_size_limit: 1KB\n").catch((e) => e);
      expect(err).toBeInstanceOf(BodySizeLimitError);
      const ok = await fetchOnce(url, "    body_size_limit: 10KB\n");
      expect(ok.body.length).toBe(5000);
    },
  );

  test("a body that trickles forever ends at the scrape timeout", async () => {
    const fetcher = new ScrapeFetcher(`http://127.0.0.1:${plain.port}/trickle`, job(""));
    const started = Date.now();
    const err = await fetcher.fetch(300, new AbortController().signal).catch((e) => e);
    expect(String(err)).toContain("scrape timed out after 300 ms");
    // The timeout (300 ms) ends it, not a default of seconds; the rest is slack for a loaded machine.
    expect(Date.now() - started).toBeLessThan(1_800);
  });

  test("a target is not failed for the agent's own stall past the scrape timeout", async () => {
    const fetcher = new ScrapeFetcher(`http://127.0.0.1:${plain.port}/metrics`, job(""));
    const scrape = fetcher.fetch(200, new AbortController().signal);
    // A long synchronous task; AbortSignal.timeout failed this.
    blockEventLoop(600);
    expect(new TextDecoder().decode((await scrape).body)).toBe(body);
  });

  test("TLS: a self-signed target fails without its CA, works with ca_file or insecure_skip_verify", async () => {
    const url = `https://localhost:${tls.port}/metrics`;
    expect(await fetchOnce(url, "    scheme: https\n").catch((e) => e)).toBeInstanceOf(Error);
    const withCa = await fetchOnce(url, "    scheme: https\n    tls_config: {ca_file: cert.pem}\n");
    expect(new TextDecoder().decode(withCa.body)).toBe(body);
    const insecure = await fetchOnce(
      url,
      "    scheme: https\n    tls_config: {insecure_skip_verify: true}\n",
    );
    expect(new TextDecoder().decode(insecure.body)).toBe(body);
  });
});
