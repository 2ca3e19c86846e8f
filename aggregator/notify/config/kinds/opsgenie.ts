/** `opsgenie_configs`, with the checks Alertmanager 0.25 makes on each of its `responders`. */
import {
  type Complaint,
  type IntegrationKind,
  inherit,
  integrationSpec,
  type Section,
  secretOrGlobal,
} from "./kind.ts";

const RESPONDER_TYPE = /^(team|teams|user|escalation|schedule)$/;

/** `opsgenie_configs`, its key and URL from `global` when unset. */
export const opsgenie: IntegrationKind = {
  spec: integrationSpec("opsgenie config", {
    api_key: "secret",
    api_key_file: "string",
    api_url: "url",
    message: "string",
    description: "string",
    source: "string",
    details: { map: "string" },
    entity: "string",
    responders: {
      // Alertmanager holds responders as values: a null one is an empty one.
      nulls: "zero",
      list: {
        object: "opsgenie responder",
        fields: { id: "string", name: "string", username: "string", type: "string" },
      },
    },
    actions: "string",
    tags: "string",
    note: "string",
    priority: "string",
    update_alerts: "bool",
  }),
  sendResolved: true,
  complete: (c, g) => {
    for (const r of (c.responders as Section[] | undefined) ?? []) {
      const complaint = responderComplaint(r);
      if (complaint !== undefined) return complaint;
    }
    const key = secretOrGlobal(
      c,
      "api_key",
      g,
      "opsgenie_api_key",
      "no global OpsGenie API Key set either inline or in a file",
    );
    if (key !== undefined) return key;
    inherit(c, "api_url", g, "opsgenie_api_url");
  },
};

function responderComplaint(r: Section): Complaint | undefined {
  if (!r.id && !r.name && !r.username) {
    return {
      in: r,
      reason: "opsGenieConfig responder has to have at least one of id, username or name specified",
    };
  }
  const type = (r.type as string | undefined) ?? "";
  // A templated type is only known when a notification is sent.
  if (!type.includes("{{") && !RESPONDER_TYPE.test(type.toLowerCase())) {
    return {
      in: r,
      field: "type",
      reason: `opsGenieConfig responder type ${JSON.stringify(type)} does not match valid options ${RESPONDER_TYPE.source}`,
    };
  }
  return undefined;
}
