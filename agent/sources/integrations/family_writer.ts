import type { MetricType } from "../../../shared/model/sample.ts";
import type { MetricWriter } from "../../pipeline/emitter.ts";

/**
 * A MetricWriter wrapper for collectors whose families depend on the data (per slab, per
 * field): each family is declared once per collection, on its first sample.
 */
export class FamilyWriter {
  private readonly declared = new Set<string>();
  constructor(private readonly w: MetricWriter) {}

  /** One sample; the family is declared first when new. */
  sample(name: string, type: MetricType, help: string, labels: string[], v: number): void {
    if (!this.declared.has(name)) {
      this.declared.add(name);
      this.w.family(name, type, help);
    }
    this.w.sample(name, labels, v);
  }
}
