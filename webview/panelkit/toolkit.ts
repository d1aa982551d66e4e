// Registers the @vscode/webview-ui-toolkit components our panels use (they follow the editor theme).
// Not badge/tag/progress-ring: their templates carry inline style attributes, which our CSP blocks.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeLink,
  vsCodeOption,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let done = false;
export function registerToolkit(): void {
  if (done) return;
  done = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDivider(),
    vsCodeDropdown(),
    vsCodeLink(),
    vsCodeOption(),
    vsCodeTextArea(),
    vsCodeTextField(),
  );
}
