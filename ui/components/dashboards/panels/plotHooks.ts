/**
 * What uPlot does not draw by itself on a timeseries panel: Grafana's threshold lines and
 * areas (`custom.thresholdsStyle`), and annotations as vertical marks (a region as a band).
 */
import type uPlot from "uplot";
import { cssColor, withAlpha } from "../../../lib/dashboards/colors.ts";
import { DEFAULT_THRESHOLDS, thresholdValue } from "../../../lib/dashboards/format.ts";
import type { Annotation, FieldConfig } from "../../../lib/dashboards/types.ts";

/** Draws the thresholds of `config` on scale "y": "line", "dashed", "area", "line+area", … */
export function drawThresholds(
  u: uPlot,
  config: FieldConfig,
  mode: string,
  range: { min: number; max: number },
  dark: boolean,
): void {
  if (!mode || mode === "off") return;
  const t = config.thresholds?.steps?.length ? config.thresholds : DEFAULT_THRESHOLDS;
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  const ys = t.steps.map((s) => {
    const v = thresholdValue(s, t.mode, range);
    return v === null ? top + height : u.valToPos(v, "y", true);
  });
  t.steps.forEach((step, i) => {
    const y = ys[i];
    const above = i + 1 < ys.length ? ys[i + 1] : top;
    if (mode.includes("area")) {
      ctx.fillStyle = withAlpha(step.color, 0.15, dark);
      ctx.fillRect(left, Math.min(y, above), width, Math.abs(y - above));
    }
    if ((mode.includes("line") || mode.includes("dashed")) && step.value !== null) {
      ctx.strokeStyle = cssColor(step.color, undefined, dark);
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.setLineDash(
        mode.includes("dashed") ? [10 * devicePixelRatio, 10 * devicePixelRatio] : [],
      );
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
    }
  });
  ctx.restore();
}

/** Draws annotations: a dashed vertical line at each time, a faint band over each region. */
export function drawAnnotations(u: uPlot, annotations: readonly Annotation[], dark: boolean): void {
  if (annotations.length === 0) return;
  const ctx = u.ctx;
  const { top, height, left, width } = u.bbox;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  for (const a of annotations) {
    const color = cssColor(a.color, "#5794F2", dark);
    const x = u.valToPos(a.time / 1000, "x", true);
    if (a.timeEnd !== undefined && a.timeEnd > a.time) {
      const x2 = u.valToPos(a.timeEnd / 1000, "x", true);
      ctx.fillStyle = withAlpha(color, 0.12);
      ctx.fillRect(x, top, x2 - x, height);
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = devicePixelRatio;
    ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
  }
  ctx.restore();
}

/** The annotation nearest `xPx` (CSS px in the plot) within 5 px, for its tooltip. */
export function annotationAt(
  u: uPlot,
  annotations: readonly Annotation[],
  xPx: number,
): Annotation | undefined {
  return annotations.find((a) => Math.abs(u.valToPos(a.time / 1000, "x") - xPx) <= 5);
}
