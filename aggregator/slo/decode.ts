/**
 * Decodes a Sloth `prometheus/v1` spec strictly: an unknown field, or a value of the wrong
 * kind, is a problem with its line (Sloth itself ignores unknown fields, so a typo there
 * silently drops a setting). Sloth's plugins are refused by name: Outpost runs no Go code.
 */
import { isMap, isScalar, type Node } from "yaml";
import { parseDuration } from "../../shared/time/duration.ts";
import {
  entries,
  isNull,
  items,
  kindOf,
  posOf,
  scalarText,
  type Tree,
} from "../rules/yaml_tree.ts";
import type {
  AlertingSpec,
  AlertSpec,
  IntervalSpec,
  Located,
  LocatedMap,
  ServiceSpec,
  Sli,
  SloSpec,
  SpecFinding,
} from "./model.ts";

type Handlers = Record<string, (value: Node | null, keyNode: Node) => void>;

const PLUGINS =
  "Sloth plugins run Go code and Outpost does not load them; write the SLI as `events` or `raw`";

/** Reads a spec's fields; every problem goes to `out`. */
export class SpecDecoder {
  constructor(
    private readonly tree: Tree,
    private readonly out: SpecFinding[],
  ) {}

  /** Decodes the document's root; undefined when it is not a mapping. */
  service(root: Node | null): ServiceSpec | undefined {
    if (!isMap(root)) {
      this.fail(root, "", `Cannot read SLO spec: expected a mapping, got ${kindOf(root)}`);
      return undefined;
    }
    let version = this.none("");
    let service = this.none("");
    let labels: LocatedMap = new Map();
    const slos: SloSpec[] = [];
    this.fields(root, "", {
      version: (v) => (version = this.text(v, "version")),
      service: (v) => (service = this.text(v, "service")),
      labels: (v) => (labels = this.map(v, "labels")),
      slos: (v) =>
        this.list(v, "slos").forEach((n, i) => {
          const slo = this.slo(n, `slos[${i}]`);
          if (slo) slos.push(slo);
        }),
      slo_plugins: (v) => this.fail(v, "slo_plugins", `Cannot load slo_plugins: ${PLUGINS}`),
    });
    return { version, service, labels, slos, pos: posOf(this.tree, root) };
  }

  private slo(node: Node | null, path: string): SloSpec | undefined {
    if (!isMap(node)) {
      this.fail(node, path, `Cannot read SLO: expected a mapping, got ${kindOf(node)}`);
      return undefined;
    }
    let name = this.none("");
    let description = "";
    let objective: Located<number> = { value: Number.NaN, pos: posOf(this.tree, node) };
    let labels: LocatedMap = new Map();
    let infoLabels: LocatedMap = new Map();
    let sli: Sli | undefined;
    let alerting = this.alerting(null, `${path}.alerting`);
    let interval: IntervalSpec = {};
    this.fields(node, path, {
      name: (v) => (name = this.text(v, `${path}.name`)),
      description: (v) => (description = this.text(v, `${path}.description`).value),
      objective: (v) => (objective = this.number(v, `${path}.objective`)),
      labels: (v) => (labels = this.map(v, `${path}.labels`)),
      infoLabels: (v) => (infoLabels = this.map(v, `${path}.infoLabels`)),
      sli: (v) => (sli = this.sli(v, `${path}.sli`)),
      alerting: (v) => (alerting = this.alerting(v, `${path}.alerting`)),
      interval: (v) => (interval = this.interval(v, `${path}.interval`)),
      plugins: (v) => this.fail(v, `${path}.plugins`, `Cannot load SLO plugins: ${PLUGINS}`),
    });
    if (sli === undefined && !this.out.some((f) => f.path.startsWith(`${path}.sli`)))
      this.fail(node, `${path}.sli`, "Cannot generate SLO: an SLI (events or raw) is required");
    const pos = posOf(this.tree, node);
    return { name, description, objective, labels, infoLabels, sli, alerting, interval, pos };
  }

  private sli(node: Node | null, path: string): Sli | undefined {
    const found: Sli[] = [];
    this.fields(node, path, {
      events: (v) => {
        let errorQuery = this.none("");
        let totalQuery = this.none("");
        this.fields(v, `${path}.events`, {
          error_query: (q) => (errorQuery = this.text(q, `${path}.events.error_query`)),
          total_query: (q) => (totalQuery = this.text(q, `${path}.events.total_query`)),
        });
        found.push({ kind: "events", errorQuery, totalQuery });
      },
      raw: (v) => {
        let errorRatioQuery = this.none("");
        this.fields(v, `${path}.raw`, {
          error_ratio_query: (q) =>
            (errorRatioQuery = this.text(q, `${path}.raw.error_ratio_query`)),
        });
        found.push({ kind: "raw", errorRatioQuery });
      },
      plugin: (v) => this.fail(v, `${path}.plugin`, `Cannot load SLI plugin: ${PLUGINS}`),
    });
    if (found.length > 1)
      this.fail(node, path, "Cannot generate SLO: only one SLI type (events or raw) may be set");
    return found[0];
  }

  private alerting(node: Node | null, path: string): AlertingSpec {
    let name = this.none("");
    let labels: LocatedMap = new Map();
    let annotations: LocatedMap = new Map();
    let page = this.alert(null, "");
    let ticket = this.alert(null, "");
    if (node !== null)
      this.fields(node, path, {
        name: (v) => (name = this.text(v, `${path}.name`)),
        labels: (v) => (labels = this.map(v, `${path}.labels`)),
        annotations: (v) => (annotations = this.map(v, `${path}.annotations`)),
        page_alert: (v) => (page = this.alert(v, `${path}.page_alert`)),
        ticket_alert: (v) => (ticket = this.alert(v, `${path}.ticket_alert`)),
      });
    if (node !== null && name.pos.line === 0) name = { value: "", pos: posOf(this.tree, node) };
    return { name, labels, annotations, page, ticket };
  }

  private alert(node: Node | null, path: string): AlertSpec {
    let disable = false;
    let labels: LocatedMap = new Map();
    let annotations: LocatedMap = new Map();
    if (node !== null)
      this.fields(node, path, {
        disable: (v) => (disable = this.bool(v, `${path}.disable`)),
        labels: (v) => (labels = this.map(v, `${path}.labels`)),
        annotations: (v) => (annotations = this.map(v, `${path}.annotations`)),
      });
    return { disable, labels, annotations };
  }

  private interval(node: Node | null, path: string): IntervalSpec {
    const out: Record<string, number> = {};
    const names = { all: "all", slierror: "sliError", metadata: "metadata", alert: "alert" };
    const handlers: Handlers = {};
    for (const [key, field] of Object.entries(names)) {
      handlers[key] = (v) => {
        const d = this.duration(v, `${path}.${key}`);
        if (d !== undefined) out[field] = d;
      };
    }
    this.fields(node, path, handlers);
    return out;
  }

  /** Calls the handler of each known key; an unknown key is a problem. */
  private fields(node: Node | null, path: string, handlers: Handlers): void {
    if (isNull(node)) return;
    if (!isMap(node)) {
      this.fail(node, path, `Cannot read ${path}: expected a mapping, got ${kindOf(node)}`);
      return;
    }
    for (const e of entries(this.tree, node)) {
      const handler = handlers[e.key];
      const at = path === "" ? e.key : `${path}.${e.key}`;
      if (handler) handler(e.value, e.keyNode);
      else this.fail(e.keyNode, at, `Cannot read ${at}: unknown field "${e.key}"`);
    }
  }

  private list(node: Node | null, path: string): (Node | null)[] {
    if (isNull(node)) return [];
    const list = items(this.tree, node!);
    if (list.length === 0 && kindOf(node) !== "!!seq")
      this.fail(node, path, `Cannot read ${path}: expected a list, got ${kindOf(node)}`);
    return list;
  }

  private map(node: Node | null, path: string): LocatedMap {
    const out = new Map<string, Located<string>>();
    if (isNull(node)) return out;
    if (!isMap(node)) {
      this.fail(node, path, `Cannot read ${path}: expected a mapping, got ${kindOf(node)}`);
      return out;
    }
    for (const e of entries(this.tree, node))
      out.set(e.key, this.text(e.value, `${path}.${e.key}`));
    return out;
  }

  private text(node: Node | null, path: string): Located<string> {
    if (node !== null && !isScalar(node))
      this.fail(node, path, `Cannot read ${path}: expected a string, got ${kindOf(node)}`);
    return { value: node && isScalar(node) ? scalarText(node) : "", pos: posOf(this.tree, node) };
  }

  private number(node: Node | null, path: string): Located<number> {
    const pos = posOf(this.tree, node);
    const kind = kindOf(node);
    if (kind !== "!!int" && kind !== "!!float") {
      this.fail(node, path, `Cannot read ${path}: expected a number, got ${kind}`);
      return { value: Number.NaN, pos };
    }
    return { value: Number((node as { value: unknown } & Node).value), pos };
  }

  private bool(node: Node | null, path: string): boolean {
    if (kindOf(node) !== "!!bool")
      this.fail(node, path, `Cannot read ${path}: expected true or false, got ${kindOf(node)}`);
    return node !== null && isScalar(node) && node.value === true;
  }

  private duration(node: Node | null, path: string): number | undefined {
    const text = this.text(node, path).value;
    try {
      return parseDuration(text);
    } catch (error) {
      this.fail(node, path, `Cannot read ${path}: ${(error as Error).message}`);
      return undefined;
    }
  }

  private none(value: string): Located<string> {
    return { value, pos: { line: 0, column: 0 } };
  }

  private fail(node: Node | null, path: string, reason: string): void {
    this.out.push({ pos: posOf(this.tree, node), path, reason });
  }
}
