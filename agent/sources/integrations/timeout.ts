/**
 * Rejects with "Cannot <what>: timed out after N ms" unless `p` settles within `ms`. `total`
 * is the N to report: a step given what is left of a collection's timeout names the whole,
 * so the message stays the same from one collection to the next (and is logged once).
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string, total = ms): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Cannot ${what}: timed out after ${total} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
