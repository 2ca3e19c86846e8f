/**
 * Serves Connect services inside the aggregator's Hono app, on its one port: each procedure at
 * `/<package>.<Service>/<Method>`, in the Connect protocol (JSON and binary) and gRPC-Web.
 * Not gRPC: Bun.serve speaks HTTP/1.1 only, and gRPC needs HTTP/2 (docs/api.md).
 * Every answer is counted by procedure and Connect code; internal errors are logged.
 */
import type { DescService } from "@bufbuild/protobuf";
import {
  type Code,
  type ContextValues,
  createConnectRouter,
  type ServiceImpl,
} from "@connectrpc/connect";
import {
  universalServerRequestFromFetch,
  universalServerResponseToFetch,
} from "@connectrpc/connect/protocol";
import type { Context, Hono } from "hono";
import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import { codeName } from "./errors.ts";

const log = logger("connect");

/** The largest request message accepted (Connect answers larger ones `resource_exhausted`). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/** A service and its implementation, as the router takes them. */
export interface Served<S extends DescService> {
  readonly service: S;
  readonly impl: ServiceImpl<S>;
}

/**
 * Mounts `services` on `app`; answers are counted in `registry` when given. `context` hands
 * each call values from its request (the principal the auth guard found).
 */
export function mountConnect(
  app: Hono,
  services: readonly Served<DescService>[],
  registry?: Registry,
  context?: (c: Context) => ContextValues,
): void {
  const router = createConnectRouter({
    connect: true,
    grpcWeb: true,
    grpc: false,
    readMaxBytes: MAX_REQUEST_BYTES,
    // Unknown JSON fields are refused, naming the field: a misspelt option must not pass silently.
    jsonOptions: { ignoreUnknownFields: false },
  });
  for (const { service, impl } of services) router.service(service, impl);
  const answered = registry?.counter(
    "outpost_connect_requests_total",
    "Connect API calls answered, by procedure and Connect code (ok for success).",
    ["procedure", "code"],
  );
  for (const handler of router.handlers) {
    app.on(handler.allowedMethods, handler.requestPath, async (c) => {
      const request = universalServerRequestFromFetch(c.req.raw, {});
      const response = universalServerResponseToFetch(
        await handler({ ...request, contextValues: context?.(c) }),
      );
      const code = await codeOf(response);
      answered?.labels({ procedure: handler.requestPath, code }).inc();
      if (code === "internal" || code === "unknown") {
        log.error("Cannot answer a Connect call", { procedure: handler.requestPath, code });
      }
      return response;
    });
  }
}

/**
 * The Connect code of an answer: gRPC-Web sends it as `grpc-status` (in the headers when the
 * call failed before any message), the Connect protocol as the HTTP status and a JSON body.
 */
async function codeOf(response: Response): Promise<string> {
  const grpc = response.headers.get("grpc-status");
  if (grpc !== null) return codeName(Number(grpc) as Code);
  if (response.ok) return "ok";
  try {
    const body = (await response.clone().json()) as { code?: unknown };
    return typeof body.code === "string" ? body.code : "unknown";
  } catch {
    return "unknown";
  }
}
