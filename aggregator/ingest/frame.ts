/**
 * Turns one JetStream message into a decoded batch, or says precisely why it cannot: every
 * byte on the stream is untrusted, and a bad batch must be parked, not crash the aggregator.
 */

import { CHECKSUM_HEADER, verifyChecksum } from "../../shared/codec/checksum.ts";
import {
  CODEC_HEADER,
  decompress,
  SCHEMA_HEADER,
  SCHEMA_INGEST_V1,
} from "../../shared/codec/compress.ts";
import { type DecodedBatch, decodeBatch } from "../../shared/codec/decode.ts";
import { TENANT_NAME } from "../auth/tenants.ts";
import { foreignOwnStream } from "./own_streams.ts";

/** Why a batch was refused; also the last token of its dead-letter subject. */
export type FrameFault =
  | "subject"
  | "schema"
  | "codec"
  | "size"
  | "checksum"
  | "decode"
  | "reserved";

/** A batch that cannot be stored, with the reason. */
export class FrameError extends Error {
  constructor(
    readonly fault: FrameFault,
    message: string,
  ) {
    super(message);
    this.name = "FrameError";
  }
}

/** Where a batch came from, read off its subject `<prefix>.<tenant>.<signal>.<agent>`. */
export interface Origin {
  tenant: string;
  signal: string;
  agent: string;
}

/** A decoded batch and its origin. */
export interface Frame extends Origin {
  batch: DecodedBatch;
  /** False for a batch without a checksum (from an agent older than checksums). */
  checked: boolean;
}

/** Reads the origin from a subject; throws a FrameError when it does not have the expected shape. */
export function parseSubject(subject: string, prefix: string): Origin {
  const rest = subject.startsWith(`${prefix}.`) ? subject.slice(prefix.length + 1).split(".") : [];
  if (rest.length !== 3) {
    throw new FrameError(
      "subject",
      `Cannot read batch: subject "${subject}" is not ${prefix}.<tenant>.<signal>.<agent>`,
    );
  }
  const tenant = rest[0] as string;
  // A subject token may hold `/` and more: the tenant names bucket paths and KV keys.
  if (!TENANT_NAME.test(tenant))
    throw new FrameError(
      "subject",
      `Cannot read batch: tenant ${JSON.stringify(tenant.slice(0, 80))} in subject "${subject.slice(0, 200)}" is not a tenant name (1-64 of A-Z a-z 0-9 _ -)`,
    );
  return { tenant, signal: rest[1] as string, agent: rest[2] as string };
}

/** Header lookup as nats.js's MsgHdrs offers it. */
export interface HeaderSource {
  get(name: string): string;
}

/**
 * Validates headers, decompresses (bounded by `maxBytes`), verifies the checksum when the batch
 * has one, and decodes one batch (metrics or logs); a log batch may claim the aggregators'
 * own streams only from their writers' subjects (own_streams.ts).
 */
export function decodeFrame(
  subject: string,
  prefix: string,
  headers: HeaderSource | undefined,
  data: Uint8Array,
  maxBytes: number,
): Frame {
  const origin = parseSubject(subject, prefix);
  const schema = headers?.get(SCHEMA_HEADER) ?? "";
  if (schema !== SCHEMA_INGEST_V1) {
    throw new FrameError(
      "schema",
      `Cannot read batch: schema "${schema}" is not ${SCHEMA_INGEST_V1} (an agent newer than this aggregator?)`,
    );
  }
  if (origin.signal !== "metrics" && origin.signal !== "logs") {
    throw new FrameError("schema", `Cannot read batch: signal "${origin.signal}" is not supported`);
  }
  const codec = headers?.get(CODEC_HEADER) || "none";
  let raw: Uint8Array;
  try {
    raw = decompress(codec, data, maxBytes);
  } catch (err) {
    const msg = (err as Error).message;
    throw new FrameError(err instanceof RangeError ? "size" : "codec", msg);
  }
  const checksum = headers?.get(CHECKSUM_HEADER) ?? "";
  if (checksum !== "") {
    try {
      verifyChecksum(checksum, raw);
    } catch (err) {
      throw new FrameError("checksum", (err as Error).message);
    }
  }
  let batch: DecodedBatch;
  try {
    batch = decodeBatch(raw);
  } catch (err) {
    throw new FrameError("decode", (err as Error).message);
  }
  // A batch carries the signal its subject names, and only that one.
  if (origin.signal === "metrics" ? batch.logs : batch.samples.length > 0) {
    throw new FrameError(
      "decode",
      `Cannot read batch: a ${origin.signal} batch also carries ${origin.signal === "metrics" ? "log records" : "samples"}`,
    );
  }
  const own = batch.logs ? foreignOwnStream(origin.agent, batch.series) : undefined;
  if (own !== undefined)
    throw new FrameError(
      "reserved",
      `Cannot read batch: agent "${origin.agent}" sent lines of ${own}, which only the aggregators write (the tenant's audit log and alert history)`,
    );
  return { ...origin, batch, checked: checksum !== "" };
}
