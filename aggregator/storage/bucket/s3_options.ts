/**
 * Where an S3 bucket is and how to sign in: the config's values first, then the standard AWS
 * environment variables, then AWS's own defaults.
 */

/** The S3 settings a config may give; every one but `bucket` has a fallback. */
export interface S3Settings {
  bucket: string;
  /** Service endpoint, e.g. "https://s3.eu-west-1.amazonaws.com" or "http://127.0.0.1:4568". */
  endpoint?: string;
  region?: string;
  /** Key prefix inside the bucket ("" or "a/b"; a missing trailing "/" is added). */
  prefix?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Address the bucket as `<bucket>.<endpoint host>` rather than `<endpoint>/<bucket>`. */
  virtualHostedStyle?: boolean;
}

/** S3 settings with every fallback applied, as handed to Bun's S3Client. */
export interface ResolvedS3Settings {
  bucket: string;
  /** The URL requests go to; for virtual-hosted style it already names the bucket. */
  endpoint: string;
  region: string;
  prefix: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  virtualHostedStyle: boolean;
}

/** The environment variables read, as in the AWS SDKs and CLI. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Applies the environment and AWS's defaults to `s`. */
export function resolveS3Settings(s: S3Settings, env: Env = process.env): ResolvedS3Settings {
  const region = s.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
  const virtualHostedStyle = s.virtualHostedStyle ?? false;
  const service =
    s.endpoint || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || awsEndpoint(region);
  return {
    bucket: s.bucket,
    endpoint: virtualHostedStyle ? bucketEndpoint(service, s.bucket) : trimSlash(service),
    region,
    prefix: normalizePrefix(s.prefix ?? ""),
    accessKeyId: s.accessKeyId || env.AWS_ACCESS_KEY_ID || undefined,
    secretAccessKey: s.secretAccessKey || env.AWS_SECRET_ACCESS_KEY || undefined,
    sessionToken: s.sessionToken || env.AWS_SESSION_TOKEN || undefined,
    virtualHostedStyle,
  };
}

/** `prefix` with exactly one trailing "/" (none when empty) and no leading one. */
export function normalizePrefix(prefix: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, "");
  return p === "" ? "" : `${p}/`;
}

function awsEndpoint(region: string): string {
  return region.startsWith("cn-")
    ? `https://s3.${region}.amazonaws.com.cn`
    : `https://s3.${region}.amazonaws.com`;
}

/** The service endpoint with the bucket in front of its host, as virtual-hosted style needs. */
function bucketEndpoint(service: string, bucket: string): string {
  const url = new URL(service);
  if (!url.hostname.startsWith(`${bucket}.`)) url.hostname = `${bucket}.${url.hostname}`;
  return trimSlash(url.toString());
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
