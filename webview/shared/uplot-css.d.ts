// Stylesheets imported as text (esbuild `with { type: 'text' }`), adopted into shadow roots.
declare module 'uplot/dist/uPlot.min.css' {
  const css: string;
  export default css;
}
declare module '*/chart.css' {
  const css: string;
  export default css;
}
