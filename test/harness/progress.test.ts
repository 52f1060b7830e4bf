import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress } from '../../harness/progress.ts';

function sink() {
  const chunks: string[] = [];
  return { chunks, stream: { write: (s: string) => chunks.push(s), isTTY: false } as unknown as NodeJS.WriteStream };
}

test('plain mode prints a start line, then one line per finished pair with count, elapsed and ETA', () => {
  const { chunks, stream } = sink();
  let t = 0;
  const p = createProgress({ quiet: false, stream, now: () => t, interactive: false });
  p.start(4);
  t = 1000;
  p.done('cpu/compute × xen', false);
  t = 2000;
  p.done('cpu/compute × kvm', true);
  p.finish();
  assert.equal(chunks.length, 3);
  assert.match(chunks[0], /^\[-{24}\] 0\/4 started {2}elapsed 0\.0s {2}ETA 0\.0s\n$/);
  assert.match(chunks[1], /1\/4 cpu\/compute × xen {2}elapsed 1\.0s {2}ETA 3\.0s\n$/);
  assert.match(chunks[2], /2\/4 cpu\/compute × kvm FAILED {2}elapsed 2\.0s {2}ETA 2\.0s\n$/);
});

test('interactive mode redraws one line and ends it; quiet prints nothing', () => {
  const a = sink();
  const p = createProgress({ quiet: false, stream: a.stream, now: () => 0, interactive: true });
  p.start(1);
  p.done('x', false);
  p.finish();
  assert.ok(a.chunks[0].startsWith('\r\x1b[2K['));
  assert.equal(a.chunks.at(-1), '\n');
  const b = sink();
  const q = createProgress({ quiet: true, stream: b.stream, interactive: true });
  q.start(1);
  q.done('x', false);
  q.finish();
  assert.equal(b.chunks.length, 0);
});
