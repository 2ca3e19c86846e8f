/**
 * The shape of the side-by-side cases of alertmanager_check.test.ts (small alertmanager.yml
 * variants, each run through amtool 0.25's check-config and Outpost's checker) and the helpers
 * the tables build them with. The tables: alertmanager_check_receivers.ts (webhook, e-mail,
 * paging), alertmanager_check_chat.ts (chat and messaging), alertmanager_check_http.ts (http_config, tls_config, URLs), alertmanager_check_tree.ts
 * (global, routes, inhibit rules, time intervals, templates), alertmanager_check_yaml.ts (how
 * the YAML itself is read).
 */

/** One alertmanager.yml variant and amtool 0.25's verdict on it. */
export interface CheckCase {
  /** What the file holds, as a noun phrase: "a Slack field without a value". */
  readonly name: string;
  readonly yaml: string;
  /** amtool check-config's verdict (the test checks it still holds). */
  readonly amtool: "accepts" | "refuses";
  /** Text Outpost's refusal must hold: the field or problem amtool names, in Outpost's path. */
  readonly names?: string;
  /**
   * Outpost accepts it on purpose although amtool 0.25 refuses it: the later Alertmanager
   * that has it (docs/notify.md, "Differences from Alertmanager").
   */
  readonly newer?: string;
  /** Files written beside the alertmanager.yml (templates), by name. */
  readonly files?: Readonly<Record<string, string>>;
}

/** A case both accept. */
export const accepts = (name: string, yaml: string): CheckCase => ({
  name,
  yaml,
  amtool: "accepts",
});

/** A case both refuse; Outpost's message must contain `names`. */
export const refuses = (name: string, yaml: string, names: string): CheckCase => ({
  name,
  yaml,
  amtool: "refuses",
  names,
});

/** A field newer than 0.25 that Outpost reads: amtool refuses it, Outpost accepts it. */
export const newer = (name: string, yaml: string, version: string): CheckCase => ({
  name,
  yaml,
  amtool: "refuses",
  newer: version,
});

/** The smallest file around `rest` (a route to receiver `r` and that receiver). */
export const minimal = (rest = "") => `route: {receiver: r}\nreceivers: [{name: r}]\n${rest}`;

/** A file whose one receiver `r` holds one `kind` integration with the flow-map body `body`. */
export const receiver = (kind: string, body: string, global = "") =>
  `${global ? `global: {${global}}\n` : ""}route: {receiver: r}\nreceivers:\n  - name: r\n    ${kind}:\n      - {${body}}\n`;

/** A webhook receiver whose `http_config` is the flow map `http`. */
export const webhookHttp = (http: string) =>
  receiver("webhook_configs", `url: 'http://hook.example/', http_config: {${http}}`);

/** A root route to `r` with `fields` added (a flow map's entries), and receivers `r` and `s`. */
export const route = (fields: string, rest = "") =>
  `route: {receiver: r, ${fields}}\nreceivers: [{name: r}, {name: s}]\n${rest}`;
