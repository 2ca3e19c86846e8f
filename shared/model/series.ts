import type { Labels } from "./labels.ts";

/**
 * One series as the pipeline passes it around. Producers keep the same object for the same
 * series across scrapes, so consumers may key maps by identity instead of re-hashing labels.
 */
export interface Series {
  readonly labels: Labels;
}
