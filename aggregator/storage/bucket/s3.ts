/**
 * The S3-compatible bucket, through Bun's built-in S3 client. Objects may live under a key
 * prefix inside the bucket. DuckDB reads them through a bounded local file cache.
 */
import { S3Client } from "bun";
import type { Registry } from "../../../shared/metrics/registry.ts";
import { type Bucket, checkKey, checkPrefix, type LocalFile } from "./bucket.ts";
import { FileCache } from "./cache.ts";
import { BucketMetrics, type BucketOp } from "./metrics.ts";
import {
  type Env,
  type ResolvedS3Settings,
  resolveS3Settings,
  type S3Settings,
} from "./s3_options.ts";

/** Options of an `S3Bucket`: where the bucket is, plus the local cache `openLocal()` uses. */
export interface S3BucketOptions extends S3Settings {
  cache: { dir: string; maxBytes: number };
  /** Where the bucket's self-metrics go; none when absent. */
  registry?: Registry;
  /** Environment the AWS variables are read from; `process.env` by default. */
  env?: Env;
}

/** A bucket in an S3-compatible object store. */
export class S3Bucket implements Bucket {
  readonly description: string;
  /** The settings in use, after environment fallbacks. */
  readonly settings: ResolvedS3Settings;
  private readonly client: S3Client;
  private readonly cache: FileCache;
  private readonly metrics: BucketMetrics;

  constructor(options: S3BucketOptions) {
    const s = resolveS3Settings(options, options.env);
    this.settings = s;
    this.description = `s3://${s.bucket}/${s.prefix} @ ${s.endpoint}`;
    this.client = new S3Client({
      bucket: s.bucket,
      endpoint: s.endpoint,
      region: s.region,
      accessKeyId: s.accessKeyId,
      secretAccessKey: s.secretAccessKey,
      sessionToken: s.sessionToken,
      virtualHostedStyle: s.virtualHostedStyle,
    });
    this.metrics = new BucketMetrics(options.registry);
    this.cache = new FileCache({ ...options.cache, metrics: this.metrics });
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    checkKey(key);
    return this.run("put", `put s3 object "${key}"`, async () => {
      await this.client.write(this.full(key), data);
    });
  }

  async putFile(key: string, localPath: string): Promise<void> {
    checkKey(key);
    return this.run("put_file", `upload "${localPath}" to s3 object "${key}"`, async () => {
      await this.client.write(this.full(key), Bun.file(localPath));
    });
  }

  async get(key: string): Promise<Uint8Array | null> {
    checkKey(key);
    return this.run("get", `get s3 object "${key}"`, async () => {
      try {
        return await this.client.file(this.full(key)).bytes();
      } catch (err) {
        if (isNoSuchKey(err)) return null;
        throw err;
      }
    });
  }

  async list(prefix: string): Promise<string[]> {
    checkPrefix(prefix);
    return this.run("list", `list s3 objects under "${prefix}"`, async () => {
      const keys: string[] = [];
      const cut = this.settings.prefix.length;
      let continuationToken: string | undefined;
      do {
        const page = await this.client.list({ prefix: this.full(prefix), continuationToken });
        for (const o of page.contents ?? []) keys.push(o.key.slice(cut));
        continuationToken = page.isTruncated ? page.nextContinuationToken : undefined;
      } while (continuationToken);
      return keys.sort();
    });
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    return this.run("delete", `delete s3 object "${key}"`, async () => {
      await this.client.delete(this.full(key));
      await this.cache.drop(key);
    });
  }

  async move(from: string, to: string, localCopy?: string): Promise<boolean> {
    checkKey(from);
    checkKey(to);
    // S3 has no rename, and Bun's client no CopyObject: the bytes go up again, from the
    // caller's local copy or from the file cache.
    return this.run("move", `move s3 object "${from}" to "${to}"`, async () => {
      if (localCopy !== undefined) {
        await this.client.write(this.full(to), Bun.file(localCopy));
      } else {
        let local: LocalFile;
        try {
          local = await this.download(from);
        } catch (err) {
          if (isNoSuchKey(err)) return false;
          throw err;
        }
        try {
          await this.client.write(this.full(to), Bun.file(local.path));
        } finally {
          local.release();
        }
      }
      await this.client.delete(this.full(from));
      await this.cache.drop(from);
      return true;
    });
  }

  async openLocal(key: string): Promise<LocalFile> {
    checkKey(key);
    return this.run("open_local", `download s3 object "${key}"`, () => this.download(key));
  }

  /** The cached local copy of `key`, downloaded unless the cache holds it. */
  private download(key: string): Promise<LocalFile> {
    const file = this.client.file(this.full(key));
    return this.cache.open(key, async (path) => {
      await Bun.write(path, file);
    });
  }

  private full(key: string): string {
    return this.settings.prefix + key;
  }

  /** Runs `fn` as operation `op`, counted, with errors reworded as "Cannot <action>: …". */
  private run<T>(op: BucketOp, action: string, fn: () => Promise<T>): Promise<T> {
    return this.metrics.track(op, async () => {
      try {
        return await fn();
      } catch (err) {
        throw new Error(`Cannot ${action}: ${s3Reason(err)}`, { cause: err });
      }
    });
  }
}

/** True for Bun's S3 client's error about a missing object. */
function isNoSuchKey(err: unknown): boolean {
  return (err as { code?: unknown })?.code === "NoSuchKey";
}

/** The reason part of an error from Bun's S3 client: its S3 (or network) code and message. */
function s3Reason(err: unknown): string {
  const { code, message } = err as { code?: unknown; message?: unknown };
  const text = typeof message === "string" && message !== "" ? message : String(err);
  return typeof code === "string" && code !== "" && !text.includes(code)
    ? `${code}: ${text}`
    : text;
}
