import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../../shared/metrics/registry.ts";
import { freePort } from "../../../test/harness/ports.ts";
import { S3RVER_CREDENTIALS, type S3rverHandle, startS3rver } from "../../../test/harness/s3.ts";
import { stagingCases } from "../staging/staging.cases.ts";
import { bucketCases } from "./bucket.cases.ts";
import { S3Bucket, type S3BucketOptions } from "./s3.ts";

let server: S3rverHandle;
let scratch: string;
let n = 0;

beforeAll(async () => {
  [server, scratch] = await Promise.all([
    startS3rver(),
    mkdtemp(join(tmpdir(), "outpost-s3-bucket-")),
  ]);
});
afterAll(async () => {
  await server?.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** A bucket on the test server under a fresh key prefix, with its own cache folder. */
function s3Bucket(opts: Partial<S3BucketOptions> = {}): S3Bucket {
  const id = n++;
  return new S3Bucket({
    endpoint: server.endpoint,
    bucket: server.bucket,
    ...S3RVER_CREDENTIALS,
    prefix: `case${id}`,
    cache: { dir: join(scratch, `cache${id}`), maxBytes: 1 << 20 },
    env: {},
    ...opts,
  });
}

bucketCases("S3Bucket", async () => s3Bucket());
stagingCases("S3Bucket", async () => s3Bucket());

describe("S3Bucket", () => {
  test("describes itself by bucket, prefix and endpoint", () => {
    const b = s3Bucket({ prefix: "deploy/a" });
    expect(b.description).toBe(`s3://${server.bucket}/deploy/a/ @ ${server.endpoint}`);
  });

  test("keeps its objects under its key prefix", async () => {
    const b = s3Bucket({ prefix: "shared/one" });
    await b.put("x/k", new Uint8Array([1]));
    const whole = s3Bucket({ prefix: "" });
    expect(await whole.list("shared/")).toEqual(["shared/one/x/k"]);
    expect(await s3Bucket({ prefix: "shared/on" }).list("")).toEqual([]);
  });

  test("openLocal() downloads an object once and then serves the cached copy", async () => {
    const registry = new Registry();
    const b = s3Bucket({ registry });
    await b.put("f.parquet", new Uint8Array([1, 2, 3]));
    const opened = await Promise.all([1, 2, 3].map(() => b.openLocal("f.parquet")));
    for (const f of opened) f.release();
    (await b.openLocal("f.parquet")).release();
    const text = registry.render();
    expect(text).toContain("outpost_bucket_cache_misses_total 1");
    expect(text).toContain("outpost_bucket_cache_hits_total 3");
    expect(text).toContain("outpost_bucket_cache_bytes 3");
    expect(text).toContain('outpost_bucket_operations_total{op="open_local"} 4');
  });

  test("delete() drops the cached copy, so the object cannot be opened any more", async () => {
    const cacheDir = join(scratch, "drop-cache");
    const b = s3Bucket({ cache: { dir: cacheDir, maxBytes: 1 << 20 } });
    await b.put("gone.parquet", new Uint8Array([9]));
    (await b.openLocal("gone.parquet")).release();
    expect(await readdir(cacheDir)).toHaveLength(1);
    await b.delete("gone.parquet");
    expect(await readdir(cacheDir)).toEqual([]);
    await expect(b.openLocal("gone.parquet")).rejects.toThrow(
      'Cannot download s3 object "gone.parquet": NoSuchKey',
    );
  });

  test("reads credentials and region from the AWS environment variables", () => {
    const b = s3Bucket({
      accessKeyId: undefined,
      secretAccessKey: undefined,
      env: { AWS_ACCESS_KEY_ID: "id", AWS_SECRET_ACCESS_KEY: "secret", AWS_REGION: "eu-west-3" },
    });
    expect(b.settings).toMatchObject({
      accessKeyId: "id",
      secretAccessKey: "secret",
      region: "eu-west-3",
    });
  });

  test("startS3rver() stop() ends the server and removes its folder", async () => {
    const own = await startS3rver("other");
    const { endpoint, dir, stop } = own;
    expect((await fetch(endpoint)).ok).toBe(true);
    await stop();
    await expect(fetch(endpoint)).rejects.toThrow();
    expect(await readdir(dir).catch(() => "gone")).toBe("gone");
  });

  test("reports an unreachable endpoint as Cannot <op> s3 object", async () => {
    const registry = new Registry();
    const b = s3Bucket({ endpoint: `http://127.0.0.1:${await freePort()}`, registry });
    await expect(b.get("k")).rejects.toThrow(/^Cannot get s3 object "k": \S+/);
    await expect(b.list("a/")).rejects.toThrow(/^Cannot list s3 objects under "a\/": \S+/);
    expect(registry.render()).toContain('outpost_bucket_errors_total{op="get"} 1');
  });
});
