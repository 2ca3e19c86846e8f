// biome-ignore-all lint/suspicious/noExplicitAny: proto JSON answers, compared loosely
/**
 * The four ways test/integration/connect_all.test.ts calls a Connect method: the generated client over Connect
 * JSON, Connect binary and gRPC-Web, and `buf curl` (Connect, or gRPC-Web). Every answer comes
 * back as proto JSON, so the four can be compared; every call is recorded, so the test can
 * check that each way called every method of every service.
 */
import { join, resolve } from "node:path";
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { createClient, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";

const ROOT = resolve(import.meta.dir, "../..");
const BUF = join(ROOT, "node_modules/@bufbuild/buf-linux-x64/bin/buf");

/** One way of calling; its tag is written into what it creates, so its objects are its own. */
export interface Way {
  readonly name: string;
  readonly tag: string;
  /** Calls `method` with a proto JSON request; `grpcWeb` makes buf curl speak gRPC-Web. */
  unary(service: DescService, method: string, req: JsonValue, grpcWeb?: boolean): Promise<any>;
  /** Reads a server stream until `enough` says so (or `timeoutMs`), answering the messages. */
  stream(
    service: DescService,
    method: string,
    req: JsonValue,
    enough: (messages: any[]) => boolean,
    timeoutMs?: number,
  ): Promise<any[]>;
  /** `Service/Method` of every call made. */
  readonly called: Set<string>;
}

function methodOf(service: DescService, name: string): DescMethod {
  const m = service.methods.find((x) => x.name === name);
  if (!m) throw new Error(`${service.typeName} has no method ${name}`);
  return m;
}

/** A way through the generated client over `transport`. */
function clientWay(name: string, tag: string, transport: Transport): Way {
  const called = new Set<string>();
  return {
    name,
    tag,
    called,
    async unary(service, method, req) {
      const m = methodOf(service, method);
      called.add(`${service.name}/${method}`);
      const client = createClient(service, transport) as any;
      const res = await client[m.localName](fromJson(m.input, req));
      return toJson(m.output, res);
    },
    async stream(service, method, req, enough, timeoutMs = 10_000) {
      const m = methodOf(service, method);
      called.add(`${service.name}/${method}`);
      const client = createClient(service, transport) as any;
      const stop = new AbortController();
      const timer = setTimeout(() => stop.abort(), timeoutMs);
      const out: any[] = [];
      try {
        for await (const res of client[m.localName](fromJson(m.input, req), {
          signal: stop.signal,
        })) {
          out.push(toJson(m.output, res));
          if (enough(out)) break;
        }
      } catch (err) {
        if (!stop.signal.aborted) throw err;
      } finally {
        clearTimeout(timer);
        stop.abort();
      }
      return out;
    },
  };
}

/** Splits buf curl's output (one JSON object per message) into messages: complete ones only. */
function bufMessages(text: string): any[] {
  const out: any[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

/** A way through `buf curl --schema proto`, over HTTP/1.1 (its default for http://). */
function bufWay(tag: string, baseUrl: string, token: string): Way {
  const called = new Set<string>();
  const spawn = (service: DescService, method: string, req: JsonValue, grpcWeb: boolean) => {
    called.add(`${service.name}/${method}`);
    const url = `${baseUrl}/${service.typeName}/${method}`;
    const args = ["--schema", join(ROOT, "proto"), "--protocol", grpcWeb ? "grpcweb" : "connect"];
    args.push("-H", `Authorization: Bearer ${token}`, "--data", JSON.stringify(req), url);
    // Spawned, not spawnSync: the aggregator answers from this process's event loop.
    return Bun.spawn([BUF, "curl", ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  };
  return {
    name: "buf curl",
    tag,
    called,
    async unary(service, method, req, grpcWeb = false) {
      const proc = spawn(service, method, req, grpcWeb);
      const [out, err, code] = await Promise.all([
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
        proc.exited,
      ]);
      if (code !== 0) throw new Error(`buf curl ${method} exited ${code}: ${err}`);
      return bufMessages(out)[0] ?? {};
    },
    async stream(service, method, req, enough, timeoutMs = 10_000) {
      const proc = spawn(service, method, req, false);
      const timer = setTimeout(() => proc.kill(), timeoutMs);
      const decoder = new TextDecoder();
      let text = "";
      let out: any[] = [];
      for await (const bytes of proc.stdout) {
        text += decoder.decode(bytes, { stream: true });
        out = bufMessages(text);
        if (enough(out)) break;
      }
      clearTimeout(timer);
      proc.kill();
      await proc.exited;
      return out;
    },
  };
}

/** The four ways, each sending `token` as a Bearer header. */
export function fourWays(baseUrl: string, token: string): Way[] {
  const auth: Interceptor = (next) => (req) => {
    req.header.set("Authorization", `Bearer ${token}`);
    return next(req);
  };
  const interceptors = [auth];
  return [
    clientWay(
      "Connect JSON",
      "zjson",
      createConnectTransport({ baseUrl, interceptors, useBinaryFormat: false }),
    ),
    clientWay(
      "Connect binary",
      "zbinary",
      createConnectTransport({ baseUrl, interceptors, useBinaryFormat: true }),
    ),
    clientWay("gRPC-Web", "zgrpcweb", createGrpcWebTransport({ baseUrl, interceptors })),
    bufWay("zbufcurl", baseUrl, token),
  ];
}

/** Keys whose values differ between two equal calls: server times, random ids, timings. */
export const VOLATILE = new Set([
  "id",
  "silenceId",
  "secret",
  "csrfToken",
  "createdAtMs",
  "updatedAtMs",
  "lastUsedAtMs",
  "timeMs",
  "execSeconds",
  "durationSeconds",
  "durationMs",
  "elapsedMs",
]);

/**
 * An answer as comparable across ways: `way`'s tag becomes WAY, array elements that name
 * another way's objects are left out (the ways run side by side), volatile keys are dropped.
 */
export function comparable(value: any, way: Way, others: readonly string[], drop = VOLATILE): any {
  if (typeof value === "string") return value.replaceAll(way.tag, "WAY");
  if (Array.isArray(value)) {
    return value
      .filter((v) => !others.some((t) => JSON.stringify(v).includes(t)))
      .map((v) => comparable(v, way, others, drop));
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
      if (!drop.has(k)) out[k.replaceAll(way.tag, "WAY")] = comparable(v, way, others, drop);
    }
    return out;
  }
  return value;
}
