import { expect, test } from "bun:test";
import { z } from "zod";
import { agentConfigSchema } from "./schema.ts";

type Json = {
  description?: string;
  properties?: Record<string, Json>;
  items?: Json;
  additionalProperties?: Json | boolean;
};

/** Lists the paths of fields (object properties at any depth) that carry no description. */
function undescribed(schema: Json, path: string, out: string[]): string[] {
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const childPath = path === "" ? name : `${path}.${name}`;
    if (!child.description) out.push(childPath);
    undescribed(child, childPath, out);
  }
  if (schema.items !== undefined) undescribed(schema.items, `${path}[]`, out);
  return out;
}

test("every field of the agent config schema has a description for the generated docs", () => {
  const json = z.toJSONSchema(agentConfigSchema, { io: "input", unrepresentable: "any" }) as Json;
  expect(undescribed(json, "", [])).toEqual([]);
});

test("the agent config schema refuses unknown fields in every object", () => {
  const json = z.toJSONSchema(agentConfigSchema, { io: "input", unrepresentable: "any" });
  const open: string[] = [];
  const visit = (schema: Json, path: string) => {
    if (schema.properties !== undefined && schema.additionalProperties !== false) open.push(path);
    for (const [name, child] of Object.entries(schema.properties ?? {}))
      visit(child, `${path}.${name}`);
    if (schema.items !== undefined) visit(schema.items, `${path}[]`);
  };
  visit(json as Json, "");
  // A stage is a one-key map whose refinement names an unknown stage itself (a clearer
  // message than "unrecognized key"), so its object stays open in the JSON schema.
  expect(open).toEqual([".logs[].stages[]"]);
});
