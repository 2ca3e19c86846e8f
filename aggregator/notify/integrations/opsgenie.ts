/**
 * Opsgenie (`opsgenie_configs`): while the group fires, an alert created under the alias
 * SHA-256(group key) with its message cut to 130 characters, the common labels plus `details`
 * as details, and tags, actions and responders from their templates; once resolved, a close of
 * that alias. With `update_alerts` the message and description of an open alert are updated too.
 */
import { readFileSync } from "node:fs";
import type { Section } from "../config/integrations.ts";
import {
  type BuildInput,
  hashKey,
  type NotifyRequest,
  postJson,
  sortKeys,
  str,
  truncate,
} from "./request.ts";

/** The API Alertmanager uses when neither the config nor `global` names one. */
export const OPSGENIE_URL = "https://api.opsgenie.com/";

const def = (name: string) => `{{ template "opsgenie.default.${name}" . }}`;

/** The requests Alertmanager sends for an `opsgenie_configs` entry. */
export async function opsgenieRequest(
  config: Section,
  input: BuildInput,
): Promise<NotifyRequest[]> {
  const t = (key: string, fallback = "") => input.render.text(str(config, key, fallback));
  const base = str(config, "api_url", OPSGENIE_URL).replace(/\/?$/, "/");
  const key =
    typeof config.api_key === "string"
      ? config.api_key
      : readFileSync(str(config, "api_key_file"), "utf8").trim();
  const headers = { Authorization: `GenieKey ${await input.render.text(key)}` };
  const alias = hashKey(input.groupKey);
  const source = (await t("source", def("source"))) || undefined;
  if (input.render.data.status === "resolved") {
    const url = `${base}v2/alerts/${alias}/close?identifierType=alias`;
    return [postJson(url, { source }, headers)];
  }
  const [message] = truncate(await t("message", def("message")), 130);
  const description = (await t("description", def("description"))) || undefined;
  const details = sortKeys({
    ...input.render.data.commonLabels,
    ...(await input.render.map((config.details as Record<string, string>) ?? {})),
  });
  const create = {
    alias,
    message,
    description,
    details,
    source,
    responders: await responders(config, input),
    tags: split(await t("tags")),
    note: (await t("note")) || undefined,
    priority: (await t("priority")) || undefined,
    entity: (await t("entity")) || undefined,
    actions: split(await t("actions")),
  };
  const requests: NotifyRequest[] = [postJson(`${base}v2/alerts`, create, headers)];
  if (config.update_alerts === true) {
    const at = (what: string) => `${base}v2/alerts/${alias}/${what}?identifierType=alias`;
    requests.push({ ...postJson(at("message"), { message }, headers), method: "PUT" as const });
    requests.push({
      ...postJson(at("description"), { description: description ?? "" }, headers),
      method: "PUT" as const,
    });
  }
  return requests;
}

/** Comma-separated values as Alertmanager splits them: empty ones dropped, spaces kept. */
function split(text: string): string[] | undefined {
  const parts = text.split(",").filter((s) => s !== "");
  return parts.length ? parts : undefined;
}

async function responders(config: Section, input: BuildInput) {
  const list = config.responders as Section[] | undefined;
  if (!list?.length) return undefined;
  const out: Record<string, string | undefined>[] = [];
  for (const r of list) {
    const type = await input.render.text(str(r, "type"));
    if (type === "teams") {
      for (const name of (await input.render.text(str(r, "name"))).split(","))
        out.push({ name, type: "team" });
      continue;
    }
    out.push({
      id: (await input.render.text(str(r, "id"))) || undefined,
      name: (await input.render.text(str(r, "name"))) || undefined,
      username: (await input.render.text(str(r, "username"))) || undefined,
      type,
    });
  }
  return out;
}
