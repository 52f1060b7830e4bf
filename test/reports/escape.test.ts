import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, escapeMarkdownCell, jsonForScript } from '../../reports/escape.ts';

test('escapeHtml covers text and both attribute quotes', () => {
  assert.equal(escapeHtml(`<a href='x' title="y">&</a>`), '&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;&lt;/a&gt;');
});

test('jsonForScript cannot close the script element and parses back to the same value', () => {
  const value = { title: '</script><script>alert(1)</script><!--', sep: '\u2028\u2029', amp: 'a&b' };
  const text = jsonForScript(value);
  assert.ok(!/[<>&\u2028\u2029]/.test(text));
  assert.deepEqual(JSON.parse(text), value);
});

test('escapeMarkdownCell keeps a cell one cell', () => {
  assert.equal(escapeMarkdownCell('a|b\n*c* <d>'), 'a\\|b \\*c\\* &lt;d&gt;');
});
