import { describe, expect, test } from "bun:test";
import { openBucket, storageSchema } from "./config.ts";
import { DirBucket } from "./dir.ts";
import { S3Bucket } from "./s3.ts";

const parse = (input: unknown) => storageSchema.parse(input);

/** The problems zod finds in `input`, as "path: message". */
function problems(input: unknown): string[] {
  const result = storageSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("storageSchema", () => {
  test("fills every default from an empty section", () => {
    expect(parse({})).toEqual({
      type: "dir",
      dir: { path: "data/bucket" },
      s3: { prefix: "", virtual_hosted_style: false },
      cache: { dir: "data/cache", max_bytes: 2 * 1024 ** 3 },
    });
  });

  test("accepts a complete s3 section", () => {
    const s3 = {
      endpoint: "https://s3.eu-west-1.amazonaws.com",
      bucket: "metrics",
      region: "eu-west-1",
      prefix: "prod/",
      access_key_id: "AKIA",
      secret_access_key: "secret",
      session_token: "token",
      virtual_hosted_style: true,
    };
    const config = parse({
      type: "s3",
      s3,
      cache: { dir: "/var/cache/outpost", max_bytes: "512MiB" },
    });
    expect(config.s3).toEqual(s3);
    expect(config.cache).toEqual({ dir: "/var/cache/outpost", max_bytes: 512 * 1024 ** 2 });
  });

  test.each([
    [{ type: "gcs" }, "type: "],
    [{ kind: "dir" }, ': Unrecognized key: "kind"'],
    [{ dir: { path: "" } }, "dir.path: "],
    [{ type: "s3" }, "s3.bucket: required when type is s3"],
    [{ type: "s3", s3: { bucket: "" } }, "s3.bucket: "],
    [{ s3: { endpoint: "ftp://host" } }, "s3.endpoint: expected an http:// or https:// URL"],
    [{ s3: { endpoint: "not a url" } }, "s3.endpoint: expected an http:// or https:// URL"],
    [{ s3: { prefix: "/abs" } }, "s3.prefix: must not start with /"],
    [{ s3: { secret: "x" } }, 's3: Unrecognized key: "secret"'],
    [{ cache: { max_bytes: 0 } }, "cache.max_bytes: must be larger than 0"],
    [{ cache: { max_bytes: "lots" } }, "cache.max_bytes: "],
  ])("refuses %j", (input, problem) => {
    expect(problems(input).join("\n")).toContain(problem);
  });
});

describe("openBucket()", () => {
  const baseDir = "/etc/outpost";

  test("opens a local folder relative to the config file", () => {
    const bucket = openBucket(parse({}), { baseDir });
    expect(bucket).toBeInstanceOf(DirBucket);
    expect(bucket.description).toBe("dir:/etc/outpost/data/bucket");
    expect(openBucket(parse({ dir: { path: "/srv/b" } }), { baseDir }).description).toBe(
      "dir:/srv/b",
    );
  });

  const AWS_ENV = {
    AWS_ACCESS_KEY_ID: "env-id",
    AWS_SECRET_ACCESS_KEY: "env-secret",
    AWS_SESSION_TOKEN: "env-token",
    AWS_DEFAULT_REGION: "eu-north-1",
    AWS_ENDPOINT_URL: "http://generic:9000",
  };

  test.each([
    [
      "AWS defaults without config or environment",
      { bucket: "b" },
      {},
      { endpoint: "https://s3.us-east-1.amazonaws.com", region: "us-east-1", prefix: "" },
    ],
    [
      "the AWS environment variables when the config is silent",
      { bucket: "b" },
      AWS_ENV,
      {
        endpoint: "http://generic:9000",
        region: "eu-north-1",
        accessKeyId: "env-id",
        secretAccessKey: "env-secret",
        sessionToken: "env-token",
      },
    ],
    [
      "AWS_ENDPOINT_URL_S3 and AWS_REGION over their generic forms",
      { bucket: "b" },
      { ...AWS_ENV, AWS_ENDPOINT_URL_S3: "http://s3-only:9000/", AWS_REGION: "ap-south-1" },
      { endpoint: "http://s3-only:9000", region: "ap-south-1" },
    ],
    [
      "the config over the environment",
      {
        bucket: "b",
        endpoint: "http://127.0.0.1:4568",
        region: "local",
        access_key_id: "cfg-id",
        secret_access_key: "cfg-secret",
        prefix: "team/a",
      },
      AWS_ENV,
      {
        endpoint: "http://127.0.0.1:4568",
        region: "local",
        accessKeyId: "cfg-id",
        secretAccessKey: "cfg-secret",
        sessionToken: "env-token",
        prefix: "team/a/",
      },
    ],
    [
      "the bucket in the host name with virtual-hosted style",
      { bucket: "b", region: "eu-west-1", virtual_hosted_style: true },
      {},
      { endpoint: "https://b.s3.eu-west-1.amazonaws.com", virtualHostedStyle: true },
    ],
  ])("opens an S3 bucket with %s", (_, s3, env, want) => {
    const bucket = openBucket(parse({ type: "s3", s3, cache: { dir: "cache" } }), { baseDir, env });
    expect(bucket).toBeInstanceOf(S3Bucket);
    expect((bucket as S3Bucket).settings).toMatchObject({ bucket: "b", ...want });
  });

  test("describes an S3 bucket by bucket, prefix and endpoint", () => {
    const s3 = { bucket: "metrics", prefix: "prod", endpoint: "http://minio:9000" };
    const bucket = openBucket(parse({ type: "s3", s3 }), { baseDir, env: {} });
    expect(bucket.description).toBe("s3://metrics/prod/ @ http://minio:9000");
  });
});
