// The learning-rate schedule as a small SVG line (a static curve of ~120 points needs no chart library).
const NS = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export function scheduleChart(points: [number, number][], warmup: number, total: number): SVGSVGElement {
  const W = 480,
    H = 140,
    L = 56,
    R = 8,
    T = 8,
    B = 22;
  const maxLr = Math.max(...points.map((p) => p[1]), 1e-12);
  const x = (s: number) => L + ((W - L - R) * s) / Math.max(1, total);
  const y = (lr: number) => T + (H - T - B) * (1 - lr / maxLr);
  const root = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'schedule',
    role: 'img',
    'aria-label': `learning rate over ${total} steps`,
  });
  root.append(
    svg('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }),
    svg('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }),
  );
  if (warmup > 0 && warmup < total)
    root.append(svg('line', { x1: x(warmup), y1: T, x2: x(warmup), y2: H - B, class: 'warmup' }));
  root.append(
    svg('polyline', {
      points: points.map(([s, lr]) => `${x(s).toFixed(1)},${y(lr).toFixed(1)}`).join(' '),
      class: 'curve',
    }),
  );
  const label = (tx: number, ty: number, text: string, anchor = 'start') => {
    const t = svg('text', { x: tx, y: ty, 'text-anchor': anchor, class: 'tick' });
    t.textContent = text;
    root.append(t);
  };
  label(L - 4, T + 8, maxLr.toExponential(1), 'end');
  label(L - 4, H - B, '0', 'end');
  label(L, H - 6, '0');
  label(W - R, H - 6, `${total} steps`, 'end');
  if (warmup > 0 && warmup < total) label(x(warmup) + 3, T + 10, `warmup ${warmup}`);
  return root;
}
