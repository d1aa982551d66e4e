// Colour contrast for chart lines. VS Code's chart colours are picked for a "typical" editor
// background; against a given theme's background some fall short (a faint blue on near-black). WCAG's
// relative luminance and contrast ratio tell how far, and the helpers below move a colour toward the
// background's opposite until a line is readable. Pure functions: unit-tested in Node.

export interface Rgba {
  r: number;
  g: number;
  b: number;
  /** 0..1 */
  a: number;
}

/** Parses #rgb, #rgba, #rrggbb, #rrggbbaa, rgb(…) and rgba(…); undefined for anything else (named colours, var()). */
export function parseColor(css: string): Rgba | undefined {
  const s = css.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,8})$/.exec(s);
  if (hex) {
    let h = hex[1];
    if (h.length === 3 || h.length === 4) h = [...h].map((c) => c + c).join('');
    if (h.length !== 6 && h.length !== 8) return undefined;
    const n = (i: number) => parseInt(h.slice(i, i + 2), 16);
    return { r: n(0), g: n(2), b: n(4), a: h.length === 8 ? n(6) / 255 : 1 };
  }
  const fn = /^rgba?\(\s*([^)]*)\)$/.exec(s);
  if (fn) {
    const parts = fn[1].split(/[\s,/]+/).filter(Boolean);
    if (parts.length < 3) return undefined;
    const ch = (p: string) => (p.endsWith('%') ? (parseFloat(p) * 255) / 100 : parseFloat(p));
    const alpha =
      parts[3] === undefined ? 1 : parts[3].endsWith('%') ? parseFloat(parts[3]) / 100 : parseFloat(parts[3]);
    const c = { r: ch(parts[0]), g: ch(parts[1]), b: ch(parts[2]), a: alpha };
    return [c.r, c.g, c.b, c.a].every(Number.isFinite) ? c : undefined;
  }
  return undefined;
}

export function toCss(c: Rgba): string {
  const r = (v: number) => Math.round(Math.min(255, Math.max(0, v)));
  return c.a >= 1
    ? `rgb(${r(c.r)},${r(c.g)},${r(c.b)})`
    : `rgba(${r(c.r)},${r(c.g)},${r(c.b)},${Number(c.a.toFixed(3))})`;
}

/** A translucent colour as it looks drawn over an opaque background. */
export function over(fg: Rgba, bg: Rgba): Rgba {
  const a = fg.a;
  return { r: fg.r * a + bg.r * (1 - a), g: fg.g * a + bg.g * (1 - a), b: fg.b * a + bg.b * (1 - a), a: 1 };
}

/** WCAG 2 relative luminance of an opaque colour. */
export function luminance(c: Rgba): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

/** WCAG 2 contrast ratio (1..21) of a colour, composited over the background, against that background. */
export function contrastRatio(fg: Rgba, bg: Rgba): number {
  const a = luminance(over(fg, bg));
  const b = luminance(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** Mix toward white on a dark background, toward black on a light one: the direction that gains contrast. */
function mixAway(c: Rgba, bg: Rgba, t: number): Rgba {
  const target = luminance(bg) < 0.18 ? 255 : 0;
  const m = (v: number) => v + (target - v) * t;
  return { r: m(c.r), g: m(c.g), b: m(c.b), a: c.a };
}

/**
 * The colour itself when it already reaches `min` against `bg`; otherwise the least mix toward
 * white (dark background) or black (light background) that does, so the hue stays recognisable.
 */
export function ensureContrast(c: Rgba, bg: Rgba, min: number): Rgba {
  if (contrastRatio(c, bg) >= min) return c;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 24; i++) {
    const mid = (lo + hi) / 2;
    if (contrastRatio(mixAway(c, bg, mid), bg) >= min) hi = mid;
    else lo = mid;
  }
  return mixAway(c, bg, hi);
}

/**
 * The faintest version of a (readable) colour that still reaches `min` against `bg`: the lowest
 * opacity, found by bisection, never above 1. For the raw line under a smoothed one.
 */
export function faintest(c: Rgba, bg: Rgba, min: number): Rgba {
  const solid = ensureContrast({ ...c, a: 1 }, bg, min);
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 24; i++) {
    const mid = (lo + hi) / 2;
    if (contrastRatio({ ...solid, a: mid }, bg) >= min) hi = mid;
    else lo = mid;
  }
  return { ...solid, a: hi };
}

/** Contrast ratio every solid line reaches against the chart background (WCAG 1.4.3's text level, above 1.4.11's 3:1 for graphics). */
export const LINE_CONTRAST = 4.5;
/** The faint raw line under a smoothed one: WCAG 1.4.11's 3:1 for graphical objects, no less. */
export const FAINT_CONTRAST = 3;

/** The opaque colour a chart is drawn on: the notebook output's (or panel's) background over the editor's. */
export function chartBackground(editorBg: string | undefined, layerBg: string | undefined, light: boolean): Rgba {
  const base = parseColor(editorBg ?? '') ?? (light ? { r: 255, g: 255, b: 255, a: 1 } : { r: 30, g: 30, b: 30, a: 1 });
  const opaqueBase = over(base, light ? { r: 255, g: 255, b: 255, a: 1 } : { r: 0, g: 0, b: 0, a: 1 });
  const layer = parseColor(layerBg ?? '');
  return layer && layer.a > 0 ? over(layer, opaqueBase) : opaqueBase;
}

/** Aim a little above a ratio: writing a colour as CSS rounds its channels, which may cost a hair. */
export const MARGIN = 1.02;

/** Theme colours made readable on `bg`: solid lines at LINE_CONTRAST, faint ones at FAINT_CONTRAST. */
export function readableColors(colors: string[], bg: Rgba): { solid: string[]; faint: string[] } {
  const parsed = colors.map((c) => parseColor(c) ?? { r: 128, g: 128, b: 128, a: 1 });
  return {
    solid: parsed.map((c) => toCss(ensureContrast({ ...c, a: 1 }, bg, LINE_CONTRAST * MARGIN))),
    faint: parsed.map((c) => toCss(faintest(c, bg, FAINT_CONTRAST * MARGIN))),
  };
}
