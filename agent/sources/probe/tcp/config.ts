// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${1}` here is a Go template, not JavaScript.
import { z } from "zod";
import { tlsConfigSchema } from "../../../../shared/config/http.ts";
import { ipProtocolFields, sourceAddressField } from "../fields.ts";
import { compileExpect } from "./expect.ts";

/**
 * The `tcp` section of a probe module, field for field blackbox_exporter 0.23's, so modules
 * paste in unchanged. A bad regex or source_ip_address, which blackbox_exporter only finds
 * when a probe runs, is refused here.
 */

/** One step of a `query_response` conversation. */
export const queryResponseSchema = z
  .object({
    expect: z
      .string()
      .default("")
      .superRefine((pattern, ctx) => {
        try {
          compileExpect(pattern);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
        }
      })
      .describe(
        "Regex (RE2, unanchored) to wait for: lines are read until one matches; the connection closing first fails the probe with probe_failed_due_to_regex 1.",
      ),
    send: z
      .string()
      .default("")
      .describe(
        "Line to send (a newline is added). After an `expect`, `${1}` or `${name}` is replaced by that group of the matched line.",
      ),
    starttls: z
      .boolean()
      .default(false)
      .describe("Upgrade the connection to TLS (with tls_config) after this step's send."),
  })
  .strict();

/** The `tcp` section of a probe module. */
export const tcpProbeSchema = z
  .object({
    ...ipProtocolFields,
    source_ip_address: sourceAddressField("connect from"),
    query_response: z
      .array(queryResponseSchema)
      .default([])
      .describe("Conversation to hold once connected, step by step; empty just connects."),
    tls: z.boolean().default(false).describe("Connect with TLS from the start."),
    tls_config: tlsConfigSchema
      .prefault({})
      .describe("TLS settings for `tls: true` and for `starttls` steps."),
  })
  .strict();

/** One loaded `query_response` step. */
export type QueryResponse = z.output<typeof queryResponseSchema>;

/** The loaded `tcp` section. */
export type TcpProbeConfig = z.output<typeof tcpProbeSchema>;
