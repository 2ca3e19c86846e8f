/** What every panel renderer shares: the theme's colours and the one message box of all states. */
import { useComputedColorScheme } from "@mantine/core";
import "./common.css";

/** Colours of the chart chrome (axes, grid, dimmed text) in the current theme. */
export interface Chrome {
  dark: boolean;
  text: string;
  dim: string;
  axis: string;
  grid: string;
  /** A neutral fill behind gauges and bar gauges. */
  track: string;
}

const DARK: Chrome = {
  dark: true,
  text: "#c9cbcf",
  dim: "#8e9196",
  axis: "#c1c2c5",
  grid: "#2c2e33",
  track: "#2c2e33",
};
const LIGHT: Chrome = {
  dark: false,
  text: "#212529",
  dim: "#6c717a",
  axis: "#333",
  grid: "#e9ecef",
  track: "#e9ecef",
};

/** The chart chrome's colours for the current colour scheme (the same object while it holds). */
export function useChrome(): Chrome {
  return useComputedColorScheme("light") === "dark" ? DARK : LIGHT;
}

/**
 * A centred message filling the panel body: loading, an error, "No data", an unsupported type.
 * Plain elements (common.css): every panel of a dashboard shows one while it loads.
 */
export function PanelMessage({
  kind,
  text,
  width,
  height,
}: {
  kind: "loading" | "error" | "empty" | "unsupported";
  text?: string;
  width: number;
  height: number;
}) {
  return (
    <div
      className="op-panel-message"
      style={{ width, height }}
      data-testid="panel-state"
      data-state={kind}
    >
      {kind === "loading" ? (
        <span className="op-panel-loader" role="status" aria-label="Loading" />
      ) : (
        <div className="op-panel-message-text" data-kind={kind}>
          {text}
        </div>
      )}
    </div>
  );
}

/** Font size that fits `text` on one line into `width` × `height` (stat, gauge values). */
export function fitFont(text: string, width: number, height: number, max = 80): number {
  // Widths in em of a sans-serif at weight 500: capitals and "%" are wide, digits average.
  let ems = 0;
  for (const ch of text) ems += /[A-Z%@MW]/.test(ch) ? 0.78 : /[.,:;' ]/.test(ch) ? 0.3 : 0.6;
  const byWidth = width / Math.max(ems, 0.6);
  return Math.max(10, Math.min(byWidth, height * 0.8, max));
}
