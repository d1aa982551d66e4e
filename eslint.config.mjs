// Lint holds the layers (instead of a regex test): the engine never reaches the editor, the worker or
// the webviews; webviews talk to the host only through src/protocol (and read src/schema); protocol and
// schema stand on their own; only tests import from test/; no import cycles. Layout is Prettier's (npm run format).
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

const layer = (target, from, message) => ({ target, from, message });
const NO_EDITOR = {
  name: 'vscode',
  message: 'only src/extension/ may import vscode (the engine, CLI, worker and webviews run outside the editor host)',
};

export default [
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.e2e/**',
      'test-results/**',
      'bench-results/**',
      '.devcarry/**',
      '.gl/**',
      'media/**',
    ],
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    // typescript-eslint is registered so that disable comments naming its rules resolve; none is enabled yet.
    plugins: { import: importPlugin, '@typescript-eslint': tseslint.plugin },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/resolver': { node: { extensions: ['.ts', '.js', '.mjs', '.json'] } },
    },
    rules: {
      // No module reaches itself through its imports (the worker ops once shared state that way).
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            layer(
              './src/engine',
              ['./src/extension', './src/worker', './src/cli', './webview'],
              'src/engine is used by the CLI, the worker and tests: it must not depend on them or on the editor',
            ),
            layer(
              './webview',
              ['./src/engine', './src/extension', './src/worker', './src/cli'],
              'webview code runs in the browser and talks to the host only through src/protocol',
            ),
            layer(
              './src/protocol',
              ['./src/engine', './src/extension', './src/worker', './src/cli', './webview'],
              'src/protocol may import only itself and src/schema',
            ),
            layer(
              ['./src/worker', './src/cli'],
              './src/extension',
              'the worker and the CLI run without the editor: they must not import src/extension',
            ),
            layer(
              './src/schema',
              ['./src/engine', './src/extension', './src/worker', './src/cli', './src/protocol', './webview'],
              'src/schema may import only itself',
            ),
            layer(
              ['./src', './webview'],
              './test',
              'product code never imports from test/ (the bench and scripts may reuse the parity corpora)',
            ),
          ],
        },
      ],
    },
  },
  {
    files: [
      'src/engine/**/*.ts',
      'src/schema/**/*.ts',
      'src/protocol/**/*.ts',
      'src/worker/**/*.ts',
      'src/cli/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_EDITOR] }] },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_EDITOR],
          patterns: [{ group: ['node:*'], message: 'webview code runs in the browser: no Node built-ins' }],
        },
      ],
    },
  },
];
