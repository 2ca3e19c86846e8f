/**
 * Prometheus's `labels.Labels.Hash()` as its official builds compute it. Those use the
 * `stringlabels` implementation (a build tag of the release binaries since 2.44, and the
 * untagged default of current Prometheus 3), which keeps a label set as one packed string:
 * each name and each value in UTF-8, preceded by its length in bytes (one byte for 0–254,
 * else 0xFF and the length in three bytes, little-endian), names in label order; `Hash()` is
 * xxHash64 of that string. (Builds without the tag hash `name 0xff value 0xff …` instead.)
 * `limit_ratio` picks series by this hash, so it must match byte for byte for a query to
 * keep the series Prometheus keeps.
 */
import type { Labels } from "../../../shared/model/labels.ts";

const encoder = new TextEncoder();
let scratch = new Uint8Array(1024);

/** The 64-bit label-set hash, as Prometheus's official builds compute it. */
export function prometheusHash(labels: Labels): bigint {
  let at = 0;
  for (const s of labels) {
    const n = utf8Length(s);
    if (at + n + 4 > scratch.length) scratch = grow(scratch, at + n + 4);
    at = writeSize(scratch, at, n);
    at += encoder.encodeInto(s, scratch.subarray(at)).written;
  }
  return BigInt.asUintN(64, BigInt(Bun.hash.xxHash64(scratch.subarray(0, at))));
}

/** `encodeSize` of labels_stringlabels.go: one byte below 255, else 0xFF and three bytes. */
function writeSize(buf: Uint8Array, at: number, n: number): number {
  if (n < 255) {
    buf[at] = n;
    return at + 1;
  }
  buf[at] = 0xff;
  buf[at + 1] = n & 0xff;
  buf[at + 2] = (n >>> 8) & 0xff;
  buf[at + 3] = (n >>> 16) & 0xff;
  return at + 4;
}

/** Bytes of `s` in UTF-8 as TextEncoder writes it (a lone surrogate becomes U+FFFD: 3 bytes). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      n += 2; // a pair: 2 code units, 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function grow(buf: Uint8Array, need: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.max(need, 2 * buf.length));
  out.set(buf);
  return out;
}

/** `HashRatioSampler.SampleOffset`: the hash scaled into [0, 1]. */
export function sampleOffset(labels: Labels): number {
  return Number(prometheusHash(labels)) / 2 ** 64;
}

/** `AddRatioSampleWithOffset`: whether a series with this offset is kept for `ratio`. */
export function keepForRatio(ratio: number, offset: number): boolean {
  return (ratio >= 0 && offset < ratio) || (ratio < 0 && offset >= 1 + ratio);
}
