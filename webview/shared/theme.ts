// VS Code theme colours for canvas drawing. CSS can use the --vscode-* variables directly, but a
// canvas (uPlot) needs concrete colours: read them from the element's computed style and redraw when
// the theme changes (VS Code swaps body classes and rewrites the variables). Every line colour is
// checked against the background the chart sits on and moved until it is readable (contrast.ts).
import {
  FAINT_CONTRAST,
  LINE_CONTRAST,
  MARGIN,
  chartBackground,
  ensureContrast,
  parseColor,
  readableColors,
  toCss,
} from './contrast';

export interface ChartTheme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  /** Series colours, in order, each readable on `background` (contrast.ts: LINE_CONTRAST). */
  series: string[];
  /** The same colours made as faint as they can be while still readable (FAINT_CONTRAST). */
  faintSeries: string[];
  /** Marker colours: evaluation, best checkpoint, early stop, resume. */
  marker: { eval: string; best: string; stop: string; resume: string };
  font: string;
}

const SERIES_VARS = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-red',
  '--vscode-charts-yellow',
];
const SERIES_FALLBACK = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];

function themeKind(): ChartTheme['kind'] {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

export function readTheme(el: Element = document.body): ChartTheme {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const kind = themeKind();
  const light = kind === 'light' || kind === 'high-contrast-light';
  const hc = kind.startsWith('high-contrast');
  const foreground = v('--vscode-editor-foreground', v('--vscode-foreground', light ? '#333333' : '#cccccc'));
  const bg = chartBackground(
    cs.getPropertyValue('--vscode-editor-background').trim(),
    cs.getPropertyValue('--vscode-notebook-outputContainerBackgroundColor').trim(),
    light,
  );
  const { solid, faint } = readableColors(
    SERIES_VARS.map((name, i) => v(name, SERIES_FALLBACK[i])),
    bg,
  );
  const mark = (name: string, fallback: string) =>
    toCss(ensureContrast(parseColor(v(name, fallback)) ?? parseColor(fallback)!, bg, FAINT_CONTRAST * MARGIN));
  return {
    kind,
    foreground,
    muted: toCss(
      ensureContrast(
        parseColor(v('--vscode-descriptionForeground', light ? '#717171' : '#9d9d9d')) ?? parseColor(foreground)!,
        bg,
        LINE_CONTRAST * MARGIN,
      ),
    ),
    // High contrast themes want visible structure, but grid lines as bright as the data compete with it.
    grid: hc
      ? withAlpha(v('--vscode-contrastBorder', foreground), 0.35)
      : light
        ? 'rgba(0,0,0,0.08)'
        : 'rgba(255,255,255,0.08)',
    background: toCss(bg),
    series: solid,
    faintSeries: faint,
    marker: {
      eval: mark('--vscode-descriptionForeground', light ? '#717171' : '#9d9d9d'),
      best: mark('--vscode-charts-green', '#89d185'),
      stop: mark('--vscode-charts-red', '#f14c4c'),
      resume: mark('--vscode-charts-purple', '#b180d7'),
    },
    font: `${v('--vscode-font-size', '12px')} ${v('--vscode-font-family', 'sans-serif')}`,
  };
}

/** Calls `onChange` when VS Code switches theme; returns a disposer. */
export function onThemeChange(onChange: () => void): () => void {
  const obs = new MutationObserver(() => onChange());
  obs.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  return () => obs.disconnect();
}

/** A colour with transparency, for fills under lines. */
export function withAlpha(color: string, alpha: number): string {
  const c = parseColor(color);
  return c ? toCss({ ...c, a: alpha }) : color;
}
