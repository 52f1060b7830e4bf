import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparsePhysicalMemory } from '../../../engines/machine/physical-memory.ts';
import { TableMemo } from '../../../engines/machine/table-memo.ts';

test('base() is offsetOf for stored frames and -1 for frames without storage', () => {
  const mem = new SparsePhysicalMemory();
  const a = mem.allocFrame();
  const b = mem.allocFrame();
  const unstored = mem.allocFrame();
  mem.write(a, 0, 1, 0);
  mem.write(b, 0, 2, 0);
  const memo = new TableMemo(mem);
  memo.sync();
  assert.equal(memo.base(4, a), mem.offsetOf(a));
  assert.equal(memo.base(3, b), mem.offsetOf(b));
  assert.notEqual(memo.base(4, a), memo.base(3, b));
  // a different frame at a memoised level is looked up, not served from the memo
  assert.equal(memo.base(4, b), mem.offsetOf(b));
  assert.equal(memo.base(2, unstored), -1);
  // a frame beyond 2^32 takes the non-integer directory path and is not stored either
  assert.equal(memo.base(1, 2 ** 33 + 5), -1);
});

test('a freed frame whose slot goes to another frame is not served from the memo after sync()', () => {
  const mem = new SparsePhysicalMemory();
  const a = mem.allocFrame();
  const b = mem.allocFrame();
  mem.write(a, 0, 0xaaaa, 0);
  const memo = new TableMemo(mem);
  memo.sync();
  const before = memo.base(4, a);
  assert.equal(mem.words[before], 0xaaaa);
  mem.freeFrame(a);
  mem.write(b, 0, 0xbbbb, 0);
  assert.equal(mem.offsetOf(b), before, 'the freed slot was reused');
  memo.sync();
  assert.equal(memo.base(4, a), -1, 'the freed frame has no storage any more');
  assert.equal(mem.words[memo.base(4, b)], 0xbbbb);
});
