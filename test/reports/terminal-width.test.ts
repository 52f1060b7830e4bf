import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_WIDTH, abbreviate, terminalWidth, truncate, wrap } from '../../reports/terminal-width.ts';

test('a TTY gives its own width; piped, COLUMNS; else 100', () => {
  assert.equal(terminalWidth({ isTTY: true, columns: 87 }, { COLUMNS: '200' }), 87);
  assert.equal(terminalWidth({ isTTY: false, columns: 87 }, { COLUMNS: '132' }), 132);
  assert.equal(terminalWidth({}, {}), DEFAULT_WIDTH);
  assert.equal(DEFAULT_WIDTH, 100);
  for (const bad of ['', 'wide', '-3', '0', '80.5']) assert.equal(terminalWidth({}, { COLUMNS: bad }), 100, bad);
});

test('truncate keeps what fits and ends what does not with an ellipsis', () => {
  assert.equal(truncate('kvm', 3), 'kvm');
  assert.equal(truncate('kvm:mmu=shadow', 8), 'kvm:mmu…');
  assert.equal(truncate('−12 %', 4), '−12…');
});

test('wrap breaks at spaces, and inside a word longer than the line', () => {
  assert.deepEqual(wrap('aa bb cc', 5), ['aa bb', 'cc']);
  assert.deepEqual(wrap('abcdefgh ij', 3), ['abc', 'def', 'gh', 'ij']);
});

test('abbreviate: labels that fit stay, cut ones stay distinct', () => {
  const short = abbreviate(['xen', 'kvm:mmu=shadow', 'kvm:mmu=shadow,shadowcache=off'], 8);
  assert.equal(short.get('xen'), 'xen');
  assert.equal(short.get('kvm:mmu=shadow'), 'kvm:mmu…');
  // the same 7 characters would repeat: one fewer and a number
  assert.equal(short.get('kvm:mmu=shadow,shadowcache=off'), 'kvm:mm…2');
});
