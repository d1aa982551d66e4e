// Renderer styles, adopted into each output's shadow root (constructable stylesheets: no inline
// <style> or style attributes, so a strict CSP holds). Colours come from VS Code's theme variables.
export const rendererCss = `
:host { display: block; color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size, 13px); }
.bn { padding: 4px 0; }
.bn h4 { margin: 4px 0 6px; font-size: 1em; font-weight: 600; }
.muted { color: var(--vscode-descriptionForeground); }
.badge { display: inline-block; padding: 1px 6px; border-radius: 8px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); font-size: 0.9em; margin-left: 6px; }
.status-failed { background: var(--vscode-inputValidation-errorBackground, #5a1d1d); color: var(--vscode-errorForeground); }
.status-stopped { background: var(--vscode-inputValidation-warningBackground, #352a05); }
table { border-collapse: collapse; margin: 4px 0; }
th, td { text-align: left; padding: 2px 10px 2px 0; border-bottom: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,0.25)); font-variant-numeric: tabular-nums; }
th { font-weight: 600; }
td.num, th.num { text-align: right; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
.stats { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 4px 0 6px; }
.stats b { font-variant-numeric: tabular-nums; }
.progress { height: 4px; background: var(--vscode-progressBar-background, #0e70c0); opacity: 0.25; border-radius: 2px; position: relative; overflow: hidden; }
.progress > div { position: absolute; left: 0; top: 0; bottom: 0; background: var(--vscode-progressBar-background, #0e70c0); opacity: 1; width: 0; }
.progress-wrap { background: var(--vscode-editorWidget-border, rgba(128,128,128,0.3)); height: 4px; border-radius: 2px; overflow: hidden; margin: 4px 0 8px; }
.progress-wrap > div { height: 100%; background: var(--vscode-progressBar-background, #0e70c0); width: 0; }
/* The loss chart takes the output's whole width; the others share it two (or more) to a row. */
.chart-main { margin-bottom: 10px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 10px 20px; }
.charts > div, .eval-charts > div { min-width: 0; }
.eval-charts { display: contents; }
.controls { display: flex; align-items: center; gap: 8px; margin: 4px 0; }
button { font: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); padding: 2px 10px; border-radius: 2px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
button:focus-visible, input:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
.message { margin: 4px 0; }
.run-actions { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 4px 0 8px; }
.run-actions .note { font-size: 0.9em; }
button:disabled { opacity: 0.5; cursor: default; }
/* token chips */
.texts { display: flex; flex-direction: column; gap: 10px; }
.chips { display: flex; flex-wrap: wrap; gap: 4px; align-items: flex-start; }
.chip { display: inline-flex; flex-direction: column; align-items: center; padding: 1px 5px; border-radius: 4px; border: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,0.4)); background: var(--vscode-editor-inactiveSelectionBackground, rgba(128,128,128,0.12)); font-family: var(--vscode-editor-font-family, monospace); }
.chip .id { font-size: 0.75em; color: var(--vscode-descriptionForeground); }
.chip.type1 { border-color: var(--vscode-charts-purple, #b180d7); border-style: dashed; }
.chip.special { background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.chip.special .id { color: inherit; opacity: 0.8; }
.chip.piece { border-left-width: 3px; border-left-color: var(--vscode-charts-green, #89d185); }
.chip.unk { border-color: var(--vscode-errorForeground, #f14c4c); border-width: 2px; color: var(--vscode-errorForeground, #f14c4c); }
.cut { align-self: stretch; display: inline-flex; align-items: center; padding: 0 6px; border-left: 2px solid var(--vscode-charts-red, #f14c4c); color: var(--vscode-charts-red, #f14c4c); font-size: 0.85em; }
.legend { display: flex; flex-wrap: wrap; gap: 12px; font-size: 0.85em; }
/* bars (histograms, label counts, probabilities) */
.bars { display: flex; align-items: flex-end; gap: 1px; height: 90px; border-bottom: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,0.4)); }
.bars > div { flex: 1; background: var(--vscode-charts-blue, #3794ff); min-width: 2px; }
.bars > div.over { background: var(--vscode-charts-red, #f14c4c); }
.axis { display: flex; justify-content: space-between; font-size: 0.8em; color: var(--vscode-descriptionForeground); }
.hbar { display: grid; grid-template-columns: minmax(60px, max-content) 1fr 4em; gap: 2px 8px; align-items: center; }
.hbar .track { height: 10px; background: var(--vscode-editorWidget-border, rgba(128,128,128,0.2)); border-radius: 2px; overflow: hidden; }
.hbar .fill { height: 100%; background: var(--vscode-charts-blue, #3794ff); width: 0; }
.hbar .fill.top { background: var(--vscode-charts-green, #89d185); }
.split { margin-bottom: 10px; }
.pred { margin-bottom: 8px; }
/* confusion matrix */
.cm td.cell { text-align: center; min-width: 3em; position: relative; }
.cm td.diag { font-weight: 600; }
.cm .shade { position: absolute; inset: 1px; background: var(--vscode-charts-blue, #3794ff); z-index: -1; }
.cm td.cell span { position: relative; }
.cm td.cell { cursor: pointer; }
.cm td.cell .rate { display: block; font-size: 0.75em; font-weight: normal; opacity: 0.8; }
.cm td.cell.selected { outline: 2px solid var(--vscode-focusBorder); outline-offset: -2px; }
/* evaluation: warnings, report, error table, residuals */
.warnings { margin: 4px 0 8px; padding: 6px 10px; border-left: 3px solid var(--vscode-editorWarning-foreground, #cca700); background: var(--vscode-inputValidation-warningBackground, rgba(204,167,0,0.1)); }
.warning + .warning { margin-top: 4px; }
.side-by-side { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
.report tr.avg td { color: var(--vscode-descriptionForeground); }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
button.secondary:hover { background: var(--vscode-button-secondaryHoverBackground); }
.errors .controls h4 { margin: 0; }
.error-table td { vertical-align: top; padding-top: 4px; padding-bottom: 4px; }
.error-table td.example { max-width: 70ch; }
.error-table .text { margin-bottom: 2px; }
.probs { display: flex; flex-wrap: wrap; gap: 2px 10px; font-size: 0.85em; color: var(--vscode-descriptionForeground); }
.probs .top { color: var(--vscode-errorForeground, #f14c4c); font-weight: 600; }
.probs .truth { color: var(--vscode-charts-green, #89d185); }
.chips.small { gap: 2px; margin-top: 3px; }
.chips.small .chip { font-size: 0.8em; padding: 0 3px; }
.source { font-size: 0.8em; }
svg.residuals { width: 320px; max-width: 100%; height: auto; border: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,0.3)); }
svg.residuals circle { fill: var(--vscode-charts-blue, #3794ff); fill-opacity: 0.6; }
svg.residuals line.ideal { stroke: var(--vscode-descriptionForeground); stroke-dasharray: 4 3; }
`;
