/**
 * What staging costs a flush: the upload of a file straight to its key (as before) against the
 * upload to staging plus the move into `v1/` (a rename on a directory; on S3 a second upload
 * from the local copy and a delete), on a local directory and on s3rver.
 *
 *   bun bench/staging_promote.ts
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bucket } from "../aggregator/storage/bucket/bucket.ts";
import { DirBucket } from "../aggregator/storage/bucket/dir.ts";
import { S3Bucket } from "../aggregator/storage/bucket/s3.ts";
import { S3RVER_CREDENTIALS, startS3rver } from "../test/harness/s3.ts";

const ROUNDS = 20;
const SIZES = [256 * 1024, 4 * 1024 * 1024];

async function median(fn: (i: number) => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

async function measure(name: string, bucket: Bucket, local: string, size: number) {
  const kb = `${size / 1024}KiB`;
  const direct = await median((i) => bucket.putFile(`v1/d/${size}-${i}.parquet`, local));
  const staged = await median(async (i) => {
    await bucket.putFile(`staging/v1/s/${size}-${i}.parquet`, local);
    await bucket.move(`staging/v1/s/${size}-${i}.parquet`, `v1/s/${size}-${i}.parquet`, local);
  });
  console.log(`flush_upload_${name}_${kb} ${direct.toFixed(2)} ms`);
  console.log(`flush_upload_staged_${name}_${kb} ${staged.toFixed(2)} ms`);
  console.log(`flush_promote_extra_${name}_${kb} ${(staged - direct).toFixed(2)} ms`);
}

const scratch = await mkdtemp(join(tmpdir(), "bench-staging-"));
const s3 = await startS3rver();
try {
  for (const size of SIZES) {
    const local = join(scratch, `file-${size}`);
    await writeFile(local, randomBytes(size));
    await measure("dir", new DirBucket(join(scratch, "bucket")), local, size);
    const s3Bucket = new S3Bucket({
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      ...S3RVER_CREDENTIALS,
      cache: { dir: join(scratch, "cache"), maxBytes: 1 << 20 },
      env: {},
    });
    await measure("s3rver", s3Bucket, local, size);
  }
} finally {
  await s3.stop();
  await rm(scratch, { recursive: true, force: true });
}
