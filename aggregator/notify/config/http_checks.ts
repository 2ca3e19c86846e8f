/**
 * The checks Alertmanager 0.25's HTTP client config makes on an `http_config`, in its order and
 * words: the ways to authenticate that exclude each other, `authorization` and `oauth2` filled
 * in enough to be used, and the proxy settings. Like 0.25, only the first problem is reported.
 * The proxy rules are Prometheus's newer ones, since Outpost also reads `no_proxy` and
 * `proxy_from_environment` (fields 0.25 does not know; docs/notify.md).
 */
import { proxyProblem } from "../../../shared/config/http.ts";
import type { Section } from "./integrations.ts";
import { fieldPos, placeOf, type ShapeDecoder } from "./shape.ts";

/** What is wrong with a section, and the field to point at. */
interface Problem {
  readonly in: Section;
  readonly field: string;
  readonly reason: string;
}

/** Go's `len(s) > 0`: an empty string is as good as unset. */
const isSet = (value: unknown): boolean => value !== undefined && value !== "";

/** Refuses an `http_config` as Alertmanager 0.25 does, pointing at the field concerned. */
export function checkHttp(d: ShapeDecoder, http: Section | undefined, path: string): void {
  if (http === undefined) return;
  const problem = httpProblem(http);
  if (problem === undefined) return;
  const where = problem.in === http ? path : placeOf(problem.in).path;
  d.fail(fieldPos(problem.in, problem.field), `${where}.${problem.field}`, problem.reason);
}

/** Whether `http` sends an Authorization header of its own (a bearer token becomes one). */
export function hasAuthorization(http: Section | undefined): boolean {
  if (http === undefined) return false;
  return (
    http.authorization !== undefined || isSet(http.bearer_token) || isSet(http.bearer_token_file)
  );
}

function httpProblem(http: Section): Problem | undefined {
  const basic = http.basic_auth as Section | undefined;
  const authorization = http.authorization as Section | undefined;
  const oauth2 = http.oauth2 as Section | undefined;
  const bearer = isSet(http.bearer_token) || isSet(http.bearer_token_file);
  const at = (field: string, reason: string): Problem => ({ in: http, field, reason });
  if (isSet(http.bearer_token) && isSet(http.bearer_token_file)) {
    return at(
      "bearer_token_file",
      "at most one of bearer_token & bearer_token_file must be configured",
    );
  }
  if ((basic !== undefined || oauth2 !== undefined) && bearer) {
    return at(
      isSet(http.bearer_token) ? "bearer_token" : "bearer_token_file",
      "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured",
    );
  }
  if (basic !== undefined && isSet(basic.password) && isSet(basic.password_file)) {
    return {
      in: basic,
      field: "password_file",
      reason: "at most one of basic_auth password & password_file must be configured",
    };
  }
  if (authorization !== undefined) {
    const problem = authorizationProblem(http, authorization);
    if (problem !== undefined) return problem;
  }
  const ways = [basic, oauth2, authorization].filter((w) => w !== undefined);
  if (ways.length > 1) {
    return at(
      oauth2 !== undefined ? "oauth2" : "authorization",
      "at most one of basic_auth, oauth2 & authorization must be configured",
    );
  }
  if (oauth2 !== undefined) {
    const problem = oauth2Problem(oauth2);
    if (problem !== undefined) return problem;
  }
  const proxy = proxyProblem(http);
  return proxy && at(proxy.field, proxy.message);
}

function authorizationProblem(http: Section, auth: Section): Problem | undefined {
  const at = (field: string, reason: string): Problem => ({ in: auth, field, reason });
  for (const field of ["bearer_token", "bearer_token_file"]) {
    if (isSet(http[field])) {
      const reason = "authorization is not compatible with bearer_token & bearer_token_file";
      return { in: http, field, reason };
    }
  }
  if (isSet(auth.credentials) && isSet(auth.credentials_file)) {
    return at(
      "credentials_file",
      "at most one of authorization credentials & credentials_file must be configured",
    );
  }
  const type = String(auth.type ?? "").trim();
  if (type.toLowerCase() === "basic") {
    return at("type", 'authorization type cannot be set to "basic", use "basic_auth" instead');
  }
  return undefined;
}

function oauth2Problem(oauth2: Section): Problem | undefined {
  const at = (field: string, reason: string): Problem => ({ in: oauth2, field, reason });
  if (!isSet(oauth2.client_id)) return at("client_id", "oauth2 client_id must be configured");
  const secret = isSet(oauth2.client_secret);
  const secretFile = isSet(oauth2.client_secret_file);
  if (!secret && !secretFile) {
    return at(
      "client_secret",
      "either oauth2 client_secret or client_secret_file must be configured",
    );
  }
  if (secret && secretFile) {
    return at(
      "client_secret_file",
      "at most one of oauth2 client_secret & client_secret_file must be configured",
    );
  }
  if (!isSet(oauth2.token_url)) return at("token_url", "oauth2 token_url must be configured");
  const proxy = proxyProblem(oauth2);
  return proxy && at(proxy.field, proxy.message);
}
