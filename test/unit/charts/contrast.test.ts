// Chart colours against the theme's background: WCAG contrast arithmetic, and the colours the charts
// actually draw with VS Code's own chart and editor colours of the light, dark and high-contrast themes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FAINT_CONTRAST,
  LINE_CONTRAST,
  chartBackground,
  contrastRatio,
  ensureContrast,
  faintest,
  luminance,
  over,
  parseColor,
  readableColors,
  type Rgba,
} from '../../../webview/shared/contrast';

const c = (css: string): Rgba => {
  const v = parseColor(css);
  assert.ok(v, `parses ${css}`);
  return v;
};

test('parseColor reads the forms VS Code puts in its CSS variables', () => {
  assert.deepEqual(parseColor('#fff'), { r: 255, g: 255, b: 255, a: 1 });
  assert.deepEqual(parseColor('#3794ff'), { r: 0x37, g: 0x94, b: 0xff, a: 1 });
  assert.equal(parseColor('#00000080')!.a.toFixed(3), (128 / 255).toFixed(3));
  assert.deepEqual(parseColor('rgba(10, 20, 30, 0.5)'), { r: 10, g: 20, b: 30, a: 0.5 });
  assert.deepEqual(parseColor('rgb(10 20 30 / 50%)'), { r: 10, g: 20, b: 30, a: 0.5 });
  assert.equal(parseColor('var(--x)'), undefined);
  assert.equal(parseColor('transparent'), undefined);
});

test('contrast ratio follows WCAG 2: black on white is 21, a colour on itself is 1, order does not matter', () => {
  assert.equal(contrastRatio(c('#000'), c('#fff')).toFixed(2), '21.00');
  assert.equal(contrastRatio(c('#777'), c('#777')), 1);
  assert.equal(contrastRatio(c('#fff'), c('#000')).toFixed(2), '21.00');
  // WCAG's own example value: #767676 on white is the lightest grey that passes 4.5:1.
  assert.ok(contrastRatio(c('#767676'), c('#fff')) >= 4.5 && contrastRatio(c('#777777'), c('#fff')) < 4.5);
  // A translucent colour is judged as drawn: half-transparent black on white is a mid grey.
  const half = contrastRatio({ r: 0, g: 0, b: 0, a: 0.5 }, c('#fff'));
  assert.ok(half > 3 && half < 5, `${half}`);
  assert.equal(luminance(over({ r: 0, g: 0, b: 0, a: 0 }, c('#fff'))), 1);
});

test('ensureContrast keeps readable colours and moves unreadable ones away from the background', () => {
  const white = c('#ffffff');
  const dark = c('#1e1e1e');
  assert.deepEqual(ensureContrast(c('#000080'), white, 4.5), c('#000080'), 'navy on white is already readable');
  const yellowOnWhite = ensureContrast(c('#cca700'), white, 4.5);
  assert.ok(contrastRatio(yellowOnWhite, white) >= 4.5);
  assert.ok(luminance(yellowOnWhite) < luminance(c('#cca700')), 'darkened on a light background');
  const navyOnDark = ensureContrast(c('#000080'), dark, 4.5);
  assert.ok(contrastRatio(navyOnDark, dark) >= 4.5);
  assert.ok(luminance(navyOnDark) > luminance(c('#000080')), 'lightened on a dark background');
  assert.ok(navyOnDark.b > navyOnDark.r, 'still blue');
});

test('faintest is as faint as it can be while still reaching the ratio', () => {
  const dark = c('#1e1e1e');
  const f = faintest(c('#3794ff'), dark, 3);
  assert.ok(f.a < 1, 'translucent');
  assert.ok(contrastRatio(f, dark) >= 3);
  assert.ok(contrastRatio({ ...f, a: f.a - 0.02 }, dark) < 3, 'a little fainter would fall short');
  // The case: VS Code's blue at 35 % opacity on the dark editor fell well short.
  assert.ok(contrastRatio({ ...c('#3794ff'), a: 0.35 }, dark) < 2);
});

// Editor backgrounds and chart colours of VS Code's built-in themes (Light+, Dark+/Modern, High Contrast).
const THEMES: Record<string, { bg: string; charts: string[]; light: boolean }> = {
  light: { bg: '#ffffff', charts: ['#1a85ff', '#d18616', '#388a34', '#652d90', '#e51400', '#bf8803'], light: true },
  dark: { bg: '#1f1f1f', charts: ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'], light: false },
  'high-contrast': {
    bg: '#000000',
    charts: ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'],
    light: false,
  },
  'high-contrast-light': {
    bg: '#ffffff',
    charts: ['#0f4a85', '#b5200d', '#374e06', '#652d90', '#b5200d', '#895503'],
    light: true,
  },
};

for (const [name, theme] of Object.entries(THEMES)) {
  test(`every chart line is readable in the ${name} theme`, () => {
    const bg = chartBackground(theme.bg, undefined, theme.light);
    const { solid, faint } = readableColors(theme.charts, bg);
    solid.forEach((s, i) =>
      assert.ok(
        contrastRatio(c(s), bg) >= LINE_CONTRAST,
        `${theme.charts[i]} → ${s}: ${contrastRatio(c(s), bg).toFixed(2)}`,
      ),
    );
    faint.forEach((s, i) =>
      assert.ok(
        contrastRatio(c(s), bg) >= FAINT_CONTRAST,
        `faint ${theme.charts[i]} → ${s}: ${contrastRatio(c(s), bg).toFixed(2)}`,
      ),
    );
  });
}

test('the chart background is the output layer over the editor background', () => {
  assert.deepEqual(chartBackground('#1e1e1e', undefined, false), c('#1e1e1e'));
  assert.deepEqual(
    chartBackground('#1e1e1e', 'rgba(255,255,255,0)', false),
    c('#1e1e1e'),
    'a transparent layer changes nothing',
  );
  const layered = chartBackground('#000000', 'rgba(255,255,255,0.5)', false);
  assert.ok(Math.abs(layered.r - 127.5) < 1e-9);
  assert.deepEqual(chartBackground(undefined, undefined, true), c('#fff'), 'no variable: the theme kind decides');
});
