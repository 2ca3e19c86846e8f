import type { SampleBlock } from "../../../shared/model/block.ts";
import { type Labels, labelValue } from "../../../shared/model/labels.ts";
import { type CompiledRule, outputLabels, outputName, ruleMatches } from "./compile.ts";
import { COUNTER_SUM, Group, LAST_VALUE, type Member, type MemberOwner, MIN_MAX } from "./state.ts";

/** An input silent this long (no sample, no marker) counts as gone: PromQL's lookback delta. */
const LOOKBACK_MS = 5 * 60_000;

/**
 * How long a vanished counter input's last value is remembered. A target that fails a scrape
 * gets staleness markers and, when it is back, new series: without this memory each of its
 * counters would be added again in full and the output's rate() would spike.
 */
const RESUME_MS = 10 * 60_000;

/** Called when a rule creates an output series, so its family's metadata can be announced. */
export type OutputHook = (
  rule: CompiledRule,
  name: string,
  inputName: string,
  counter: boolean,
) => void;

interface Remembered {
  last: number;
  gen: number;
}

/**
 * The running state of one rule: its groups (one per output series), the members feeding
 * them, and the per-interval flush that turns them into output samples.
 */
export class RuleAggregator implements MemberOwner {
  gen = 0;
  /** Matched samples (markers included) not yet added to the self-metrics. */
  matched = 0;
  readonly groups = new Map<string, Group>();
  private readonly resume = new Map<string, Remembered>();
  private readonly lookbackGens: number;
  private readonly resumeGens: number;

  constructor(
    readonly rule: CompiledRule,
    private readonly onOutput: OutputHook,
    /** Names of the agent's external labels, which outputs keep. */
    private readonly external: ReadonlySet<string> = new Set(),
  ) {
    const interval = rule.config.interval;
    this.lookbackGens = Math.max(1, Math.ceil(LOOKBACK_MS / interval));
    this.resumeGens = Math.max(1, Math.ceil(RESUME_MS / interval));
  }

  /** True when the rule takes this series as input. */
  matches(labels: Labels): boolean {
    return ruleMatches(this.rule, labels);
  }

  attach(m: Member): void {
    const labels = m.series.labels;
    const inputName = labelValue(labels, "__name__");
    const name = outputName(this.rule, inputName);
    const out = outputLabels(this.rule, labels, name, this.external);
    const key = out.join("\xff");
    let g = this.groups.get(key);
    if (g === undefined) {
      g = new Group(key, { labels: out }, this.modeFor(m.counter));
      this.groups.set(key, g);
      this.onOutput(this.rule, name, inputName, g.mode === COUNTER_SUM);
    }
    // Gone and back within the interval as a new series object (a failed scrape does that):
    // take over from the old member, which would otherwise count twice.
    if (!this.replaceTwin(g, m) && g.mode === COUNTER_SUM && !m.has && this.resume.size > 0) {
      this.recall(m);
    }
    g.members.push(m);
    m.group = g;
    m.live = true;
  }

  /**
   * Ends the interval in progress: writes one sample per group at `end`, or a staleness
   * marker for a group no input fed during the whole interval (then forgets it).
   */
  flush(end: number, out: SampleBlock): void {
    const gen = this.gen++;
    for (const g of this.groups.values()) {
      if (!this.flushGroup(g, gen, end, out)) this.groups.delete(g.key);
    }
    if (this.resume.size > 0) {
      for (const [key, r] of this.resume)
        if (gen - r.gen >= this.resumeGens) this.resume.delete(key);
    }
  }

  private flushGroup(g: Group, gen: number, end: number, out: SampleBlock): boolean {
    const members = g.members;
    let n = 0;
    let sum = 0;
    let min = g.min;
    let max = g.max;
    let kept = 0;
    for (let i = 0; i < members.length; i++) {
      const m = members[i];
      // Silent for the lookback without a marker: gone, and its stale value does not count.
      if (m.live && gen - m.touched >= this.lookbackGens) m.live = false;
      else {
        // Every other member was live during the interval, if only until its marker came.
        n++;
        sum += m.last;
        // Inputs not sampled this interval still held their value during it.
        if (m.touched !== gen) {
          if (min > m.last || Number.isNaN(min)) min = m.last;
          if (max < m.last || Number.isNaN(max)) max = m.last;
        }
      }
      if (m.live) members[kept++] = m;
      else this.retire(m, g, gen);
    }
    members.length = kept;
    g.min = Number.NaN;
    g.max = Number.NaN;
    if (n === 0) {
      out.pushStale(g.series, end);
      return false;
    }
    out.push(g.series, end, this.value(g, n, sum, min, max));
    return true;
  }

  private value(g: Group, n: number, sum: number, min: number, max: number): number {
    switch (this.rule.config.op) {
      case "sum":
        return g.mode === COUNTER_SUM ? g.total : sum;
      case "count":
        return n;
      case "avg":
        return sum / n;
      case "min":
        return min;
      case "max":
        return max;
    }
  }

  private modeFor(counter: boolean): number {
    const op = this.rule.config.op;
    if (op === "sum" && counter) return COUNTER_SUM;
    return op === "min" || op === "max" ? MIN_MAX : LAST_VALUE;
  }

  /** Detaches a gone member; a counter's last value is kept in case its series comes back. */
  private retire(m: Member, g: Group, gen: number): void {
    m.group = null;
    if (g.mode === COUNTER_SUM && m.has) {
      this.resume.set(m.series.labels.join("\xff"), { last: m.last, gen });
    }
  }

  private replaceTwin(g: Group, m: Member): boolean {
    const members = g.members;
    for (let i = 0; i < members.length; i++) {
      const old = members[i];
      if (old.live || !sameLabels(old.series.labels, m.series.labels)) continue;
      if (!m.has) {
        m.last = old.last;
        m.has = old.has;
        m.touched = old.touched;
      }
      old.group = null;
      members.splice(i, 1);
      return true;
    }
    return false;
  }

  private recall(m: Member): void {
    const key = m.series.labels.join("\xff");
    const r = this.resume.get(key);
    if (r === undefined) return;
    this.resume.delete(key);
    m.last = r.last;
    m.has = true;
  }
}

function sameLabels(a: Labels, b: Labels): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
