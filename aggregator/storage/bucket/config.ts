/**
 * The `storage` config section and the bucket it names: a local folder (the default) or an
 * S3-compatible service, with the local file cache DuckDB reads S3 objects through.
 */
import { z } from "zod";
import { byteSize, filePath } from "../../../shared/config/fields.ts";
import { resolvePath } from "../../../shared/config/http.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import type { Bucket } from "./bucket.ts";
import { DirBucket } from "./dir.ts";
import { S3Bucket } from "./s3.ts";
import type { Env } from "./s3_options.ts";

const optionalText = () => z.string().min(1).optional();

const dirSchema = z
  .object({
    path: filePath()
      .default("data/bucket")
      .describe("Folder that holds the objects. Relative to the config file's directory."),
  })
  .strict();

const s3Schema = z
  .object({
    endpoint: z
      .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
      .optional()
      .meta({ "x-default": "$AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL, else AWS's for the region" })
      .describe(
        "URL of the S3 service, for example http://127.0.0.1:9000 or https://s3.eu-west-1.amazonaws.com (without the bucket name).",
      ),
    bucket: optionalText().describe("Name of the bucket; required when `type` is s3."),
    region: optionalText()
      .meta({ "x-default": "$AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1" })
      .describe("Region requests are signed for."),
    prefix: z
      .string()
      .refine((p) => !p.startsWith("/"), { error: "must not start with /" })
      .default("")
      .describe("Key prefix inside the bucket, so several deployments can share one bucket."),
    access_key_id: optionalText()
      .meta({ "x-default": "$AWS_ACCESS_KEY_ID" })
      .describe("Access key id."),
    secret_access_key: optionalText()
      .meta({ "x-default": "$AWS_SECRET_ACCESS_KEY" })
      .describe("Secret access key."),
    session_token: optionalText()
      .meta({ "x-default": "$AWS_SESSION_TOKEN" })
      .describe("Session token of temporary credentials."),
    virtual_hosted_style: z
      .boolean()
      .default(false)
      .describe(
        "Address the bucket as `<bucket>.<endpoint host>` instead of `<endpoint>/<bucket>` (path style).",
      ),
  })
  .strict();

const cacheSchema = z
  .object({
    dir: filePath()
      .default("data/cache")
      .describe(
        "Folder of local copies of S3 objects being queried; emptied at start, used by one aggregator only. Relative to the config file's directory.",
      ),
    max_bytes: byteSize()
      .prefault("2GiB")
      .refine((n) => n > 0, { error: "must be larger than 0" })
      .describe("Size the cache is kept under; files in use by a query are kept even beyond it."),
  })
  .strict();

/** The `storage` section: which bucket Parquet files and the catalog go to. */
export const storageSchema = z
  .object({
    type: z
      .enum(["dir", "s3"])
      .default("dir")
      .describe("`dir`: a local folder. `s3`: an S3-compatible object store."),
    dir: dirSchema.prefault({}).describe("The local folder, when `type` is dir."),
    s3: s3Schema.prefault({}).describe("The S3-compatible store, when `type` is s3."),
    cache: cacheSchema
      .prefault({})
      .describe("Local copies of S3 objects, which DuckDB reads as files (type s3 only)."),
  })
  .strict()
  .superRefine((storage, ctx) => {
    if (storage.type === "s3" && storage.s3.bucket === undefined) {
      ctx.addIssue({ code: "custom", path: ["s3", "bucket"], message: "required when type is s3" });
    }
  });

/** The validated `storage` section; sizes in bytes, paths as written. */
export type StorageConfig = z.output<typeof storageSchema>;

/** What `openBucket()` needs besides the config. */
export interface OpenBucketOptions {
  /** Directory relative paths are resolved against (the config file's). */
  baseDir: string;
  /** Where the bucket's self-metrics go; none when absent. */
  registry?: Registry;
  /** Environment the AWS variables are read from; `process.env` by default. */
  env?: Env;
}

/** Builds the bucket `config` names. */
export function openBucket(config: StorageConfig, opts: OpenBucketOptions): Bucket {
  if (config.type === "dir") {
    return new DirBucket(resolvePath(opts.baseDir, config.dir.path), { registry: opts.registry });
  }
  const s3 = config.s3;
  if (s3.bucket === undefined) throw new TypeError("Cannot open s3 storage: s3.bucket is missing");
  return new S3Bucket({
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: s3.region,
    prefix: s3.prefix,
    accessKeyId: s3.access_key_id,
    secretAccessKey: s3.secret_access_key,
    sessionToken: s3.session_token,
    virtualHostedStyle: s3.virtual_hosted_style,
    cache: { dir: resolvePath(opts.baseDir, config.cache.dir), maxBytes: config.cache.max_bytes },
    registry: opts.registry,
    env: opts.env,
  });
}
