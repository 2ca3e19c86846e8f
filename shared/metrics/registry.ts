/**
 * A small Prometheus-format metrics registry for the process's own metrics. Every long-running
 * component registers here and the HTTP server renders it on /metrics. Label sets are fixed
 * when a child is created, so the hot path only adds to a number.
 */

type LabelValues = Readonly<Record<string, string>>;

/** A metric family that renders itself in the text exposition format 0.0.4. */
interface Family {
  readonly name: string;
  render(out: string[]): void;
}

function labelKey(names: readonly string[], values: LabelValues): string {
  let s = "";
  for (const n of names) {
    const v = values[n];
    if (v === undefined) throw new TypeError(`Cannot record metric: label "${n}" is missing`);
    s += `${s ? "," : ""}${n}="${escapeValue(v)}"`;
  }
  return s;
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

/** One labelled child of a counter or gauge: a mutable number. */
export class Value {
  value = 0;
  /** Adds `n` (default 1). */
  inc(n = 1): void {
    this.value += n;
  }
  /** Sets the value (gauges). */
  set(n: number): void {
    this.value = n;
  }
}

/** A counter or gauge family with a fixed list of label names. */
export class Metric implements Family {
  private readonly children: Map<string, Value>;
  private readonly collectors: (() => void)[];
  /** Labels every child of this view carries (see `with()`); undefined for the family itself. */
  private readonly fixed: LabelValues | undefined;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "gauge",
    readonly labelNames: readonly string[] = [],
    shared?: { children: Map<string, Value>; collectors: (() => void)[]; fixed: LabelValues },
  ) {
    this.children = shared?.children ?? new Map();
    this.collectors = shared?.collectors ?? [];
    this.fixed = shared?.fixed;
  }

  /**
   * A view of this family whose children all carry `fixed` (a tenant's share of a family that
   * several tenants' components register): its `labels()`, `inc()` and `set()` add them, and
   * its children render with the family's.
   */
  with(fixed: LabelValues): Metric {
    const all = { ...this.fixed, ...fixed };
    return new Metric(this.name, this.help, this.type, this.labelNames, {
      children: this.children,
      collectors: this.collectors,
      fixed: all,
    });
  }

  /** Returns the child for these label values, creating it at 0. */
  labels(values: LabelValues = {}): Value {
    const key = labelKey(this.labelNames, this.fixed ? { ...this.fixed, ...values } : values);
    let child = this.children.get(key);
    if (!child) {
      child = new Value();
      this.children.set(key, child);
    }
    return child;
  }

  /** Adds to the unlabelled child. */
  inc(n = 1): void {
    this.labels().inc(n);
  }

  /** Sets the unlabelled child. */
  set(n: number): void {
    this.labels().set(n);
  }

  /** Registers a callback that refreshes values just before each render (gauges read from state). */
  onCollect(fn: () => void): this {
    this.collectors.push(fn);
    return this;
  }

  /** Forgets the child for these label values (a target that went away). */
  remove(values: LabelValues): void {
    this.children.delete(
      labelKey(this.labelNames, this.fixed ? { ...this.fixed, ...values } : values),
    );
  }

  render(out: string[]): void {
    for (const fn of this.collectors) fn();
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`);
    for (const [key, child] of this.children) {
      out.push(`${this.name}${key ? `{${key}}` : ""} ${formatValue(child.value)}`);
    }
  }
}

/** A histogram family with fixed buckets (seconds by default). */
export class Histogram implements Family {
  private readonly children = new Map<
    string,
    { counts: Float64Array; sum: number; count: number }
  >();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    readonly labelNames: readonly string[] = [],
  ) {}

  /** Records one observation. */
  observe(v: number, values: LabelValues = {}): void {
    const key = labelKey(this.labelNames, values);
    let child = this.children.get(key);
    if (!child) {
      child = { counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.children.set(key, child);
    }
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]) child.counts[i]++;
    child.sum += v;
    child.count++;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const [key, c] of this.children) {
      const sep = key ? `${key},` : "";
      this.buckets.forEach((b, i) => {
        out.push(`${this.name}_bucket{${sep}le="${formatValue(b)}"} ${c.counts[i]}`);
      });
      out.push(`${this.name}_bucket{${sep}le="+Inf"} ${c.count}`);
      const braces = key ? `{${key}}` : "";
      out.push(`${this.name}_sum${braces} ${c.sum}`, `${this.name}_count${braces} ${c.count}`);
    }
  }
}

/** The set of metric families one process exposes. */
export class Registry {
  private readonly families = new Map<string, Family>();

  /** Registers (or returns the existing) counter family. */
  counter(name: string, help: string, labelNames: readonly string[] = []): Metric {
    return this.add(name, () => new Metric(name, help, "counter", labelNames)) as Metric;
  }

  /** Registers (or returns the existing) gauge family. */
  gauge(name: string, help: string, labelNames: readonly string[] = []): Metric {
    return this.add(name, () => new Metric(name, help, "gauge", labelNames)) as Metric;
  }

  /** Registers (or returns the existing) histogram family. */
  histogram(
    name: string,
    help: string,
    buckets?: readonly number[],
    labelNames: readonly string[] = [],
  ): Histogram {
    return this.add(name, () => new Histogram(name, help, buckets, labelNames)) as Histogram;
  }

  /** Renders every family in the text exposition format 0.0.4. */
  render(): string {
    const out: string[] = [];
    for (const f of this.families.values()) f.render(out);
    return `${out.join("\n")}\n`;
  }

  /**
   * A registry for one tenant's (or other owner's) components: every counter and gauge they
   * register is this registry's family with `fixed`'s label names appended, seen through a view
   * that sets them (`Metric.with`). Several owners of the same component then share one family,
   * each in its own children, instead of adding into (or overwriting) the same ones.
   */
  labelled(fixed: LabelValues): Registry {
    return new LabelledRegistry(this, fixed);
  }

  private add(name: string, make: () => Family): Family {
    let f = this.families.get(name);
    if (!f) {
      f = make();
      this.families.set(name, f);
    }
    return f;
  }
}

/** See {@link Registry.labelled}. Histograms are not offered: no per-owner component has one. */
class LabelledRegistry extends Registry {
  constructor(
    private readonly parent: Registry,
    private readonly fixed: LabelValues,
  ) {
    super();
  }

  override counter(name: string, help: string, labelNames: readonly string[] = []): Metric {
    return this.parent.counter(name, help, this.names(labelNames)).with(this.fixed);
  }

  override gauge(name: string, help: string, labelNames: readonly string[] = []): Metric {
    return this.parent.gauge(name, help, this.names(labelNames)).with(this.fixed);
  }

  override histogram(name: string): Histogram {
    throw new TypeError(`Cannot register histogram ${name}: a labelled registry has none`);
  }

  override labelled(fixed: LabelValues): Registry {
    return new LabelledRegistry(this.parent, { ...this.fixed, ...fixed });
  }

  override render(): string {
    return this.parent.render();
  }

  private names(labelNames: readonly string[]): string[] {
    return [...labelNames, ...Object.keys(this.fixed).filter((n) => !labelNames.includes(n))];
  }
}
