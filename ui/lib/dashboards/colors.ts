/**
 * Grafana's colours: the named colours dashboards store ("green", "semi-dark-red", …), the
 * classic palette series are coloured from by index (`palette-classic`), and the continuous
 * schemes. Values are Grafana's (packages/grafana-data/src/themes/createVisualizationColors.ts:
 * getDarkHues, getLightHues, getClassicPalette): the light theme names each colour one shade
 * darker, so "green" reads on white.
 */

type Shades = [string, string, string, string, string];

// super-light, light, primary, semi-dark, dark: Grafana's getDarkHues and getLightHues.
const DARK_HUES: Record<string, Shades> = {
  red: ["#FFA6B0", "#FF7383", "#F2495C", "#E02F44", "#C4162A"],
  orange: ["#FFCB7D", "#FFB357", "#FF9830", "#FF780A", "#FA6400"],
  yellow: ["#FFF899", "#FFEE52", "#FADE2A", "#F2CC0C", "#E0B400"],
  green: ["#C8F2C2", "#96D98D", "#73BF69", "#56A64B", "#37872D"],
  blue: ["#C0D8FF", "#8AB8FF", "#5794F2", "#3274D9", "#1F60C4"],
  purple: ["#DEB6F2", "#CA95E5", "#B877D9", "#A352CC", "#8F3BB8"],
};
const LIGHT_HUES: Record<string, Shades> = {
  red: ["#FF7383", "#F2495C", "#E02F44", "#C4162A", "#AD0317"],
  orange: ["#FFB357", "#FF9830", "#FF780A", "#FA6400", "#E55400"],
  yellow: ["#FFEE52", "#FADE2A", "#F2CC0C", "#E0B400", "#CC9D00"],
  green: ["#96D98D", "#73BF69", "#56A64B", "#37872D", "#19730E"],
  blue: ["#8AB8FF", "#5794F2", "#3274D9", "#1F60C4", "#1250B0"],
  purple: ["#CA95E5", "#B877D9", "#A352CC", "#8F3BB8", "#7C2EA3"],
};

const SHADES = ["super-light-", "light-", "", "semi-dark-", "dark-"];

function byName(
  hues: Record<string, Shades>,
  extra: Record<string, string>,
): Record<string, string> {
  const named: Record<string, string> = { ...extra };
  for (const [hue, values] of Object.entries(hues)) {
    SHADES.forEach((shade, i) => {
      named[`${shade}${hue}`] = values[i];
    });
  }
  return named;
}

const DARK = byName(DARK_HUES, { transparent: "rgba(0, 0, 0, 0)", text: "#CCCCDC" });
const LIGHT = byName(LIGHT_HUES, { transparent: "rgba(255, 255, 255, 0)", text: "#24292E" });

/**
 * Grafana's classic palette (`getClassicPalette`), in order: `palette-classic` gives series
 * n the colour at n modulo its length.
 */
export const CLASSIC_PALETTE = [
  "green",
  "yellow",
  "blue",
  "orange",
  "red",
  "purple",
  "dark-green",
  "dark-yellow",
  "dark-blue",
  "dark-orange",
  "dark-red",
  "dark-purple",
  "super-light-green",
  "super-light-yellow",
  "super-light-blue",
  "super-light-orange",
  "super-light-red",
  "super-light-purple",
  "#447EBC",
  "#C15C17",
  "#890F02",
  "#0A437C",
  "#6D1F62",
  "#584477",
  "#B7DBAB",
  "#F4D598",
  "#70DBED",
  "#F9BA8F",
  "#F29191",
  "#82B5D8",
  "#E5A8E2",
  "#AEA2E0",
  "#629E51",
  "#E5AC0E",
  "#64B0C8",
  "#E0752D",
  "#BF1B00",
  "#0A50A1",
  "#962D82",
  "#614D93",
  "#9AC48A",
  "#F2C96D",
  "#65C5DB",
  "#F9934E",
  "#EA6460",
  "#5195CE",
  "#D683CE",
  "#806EB7",
  "#3F6833",
  "#967302",
  "#2F575E",
  "#99440A",
  "#58140C",
  "#052B51",
  "#511749",
  "#3F2B5B",
  "#E0F9D7",
  "#FCEACA",
  "#CFFAFF",
  "#F9E2D2",
  "#FCE2DE",
  "#BADFF4",
  "#F9D9F9",
  "#DEDAF7",
];

/**
 * A Grafana colour (named, hex, rgb(), or any CSS colour) as CSS in the dark or light theme
 * (Grafana names one shade darker in its light theme); unknown names pass through.
 */
export function cssColor(color: string | undefined, fallback?: string, dark = true): string {
  const named = dark ? DARK : LIGHT;
  if (!color) return fallback ?? named.green;
  return named[color] ?? named[color.toLowerCase()] ?? color;
}

/** The classic palette's colour for series `index`. */
export function paletteColor(index: number, dark = true): string {
  return cssColor(CLASSIC_PALETTE[index % CLASSIC_PALETTE.length], undefined, dark);
}

function hexToRgb(hex: string): [number, number, number] | undefined {
  const rgb = /^rgb\((\d+), ?(\d+), ?(\d+)\)$/.exec(hex);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return undefined;
  const n = Number.parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Interpolates between CSS hex colours at `t` in [0, 1]. */
export function interpolate(stops: readonly string[], t: number, dark = true): string {
  const x = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const a = hexToRgb(cssColor(stops[i], undefined, dark));
  const b = hexToRgb(cssColor(stops[i + 1], undefined, dark));
  if (!a || !b) return cssColor(stops[i], undefined, dark);
  const f = x - i;
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Continuous schemes by their `color.mode` id (the ones dashboards use). */
export const CONTINUOUS: Record<string, string[]> = {
  "continuous-GrYlRd": ["green", "yellow", "red"],
  "continuous-RdYlGr": ["red", "yellow", "green"],
  "continuous-BlYlRd": ["blue", "yellow", "red"],
  "continuous-YlRd": ["yellow", "red"],
  "continuous-BlPu": ["blue", "purple"],
  "continuous-YlBl": ["yellow", "blue"],
  "continuous-greens": ["super-light-green", "dark-green"],
  "continuous-blues": ["super-light-blue", "dark-blue"],
  "continuous-reds": ["super-light-red", "dark-red"],
  "continuous-purples": ["super-light-purple", "dark-purple"],
};

/** CSS colour with an alpha (0–1), for fills: hex gets an alpha byte, others use color-mix. */
export function withAlpha(color: string, alpha: number, dark = true): string {
  const css = cssColor(color, undefined, dark);
  const a = Math.round(Math.min(Math.max(alpha, 0), 1) * 255);
  if (/^#[0-9a-f]{6}$/i.test(css)) return `${css}${a.toString(16).padStart(2, "0")}`;
  return `color-mix(in srgb, ${css} ${Math.round(alpha * 100)}%, transparent)`;
}

/**
 * Black or white text for `background`, as Grafana's `getContrastText`: white when its WCAG
 * contrast ratio is at least 3, else near-black (so green and orange cells get dark text).
 */
export function textOn(background: string): string {
  const rgb = hexToRgb(cssColor(background));
  if (!rgb) return "#fff";
  const [r, g, b] = rgb.map((c) => {
    const x = c / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (luminance + 0.05) >= 3 ? "#fff" : "#111";
}
