import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, makeNonce, webviewHtml } from '../../../src/extension/panels/webviewHtml';

test('the CSP allows only the nonced script and the webview resource origin, nothing inline', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9]{16,}$/);
  assert.notEqual(nonce, makeNonce());
  const csp = contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', nonce);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'(;|$)`));
  assert.match(csp, new RegExp(`style-src https://file\\+\\.vscode-resource\\.vscode-cdn\\.net 'nonce-${nonce}'(;|$)`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
});

test('the page has one script, carrying the nonce, and escapes the initial state', () => {
  const html = webviewHtml({
    cspSource: 'vscode-resource:',
    nonce: 'abc123',
    title: 'T <x>',
    scriptUri: 'vscode-resource:/dist/webview/preview.js',
    styleUris: ['vscode-resource:/a.css'],
    initialState: { text: '"><script>alert(1)</script>' },
  });
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(html, /<meta property="csp-nonce" content="abc123">/);
  assert.match(html, /<script nonce="abc123" src="vscode-resource:\/dist\/webview\/preview.js"><\/script>/);
  assert.match(html, /<title>T &lt;x&gt;<\/title>/);
  assert.ok(
    html.includes(
      'data-initial-state="{&quot;text&quot;:&quot;\\&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;}"',
    ),
  );
});
