// uPlot's stylesheet imported as text (esbuild `with { type: 'text' }`), adopted into shadow roots.
declare module 'uplot/dist/uPlot.min.css' {
  const css: string;
  export default css;
}
