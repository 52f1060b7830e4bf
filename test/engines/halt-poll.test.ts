import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GUEST_HALT_POLL, HaltPollWindow, KVM_HALT_POLL } from '../../engines/halt-poll.ts';

test("KVM's window: starts at 0, grows from 10 µs by doubling while idles fit in 200 µs, resets after a longer one", () => {
  // 1 cycle per ns. Six idles of 100 µs: the limit before each is 0, 10, 20, 40, 80, 160 µs; the first five
  // outlast it (poll the whole limit, then block), the sixth arrives within 160 µs
  const w = new HaltPollWindow(KVM_HALT_POLL, 1);
  const polled: number[] = [];
  const woke: boolean[] = [];
  for (let i = 0; i < 6; i++) {
    polled.push(w.idle(100_000));
    woke.push(w.woke);
  }
  assert.deepEqual(polled, [0, 10_000, 20_000, 40_000, 80_000, 100_000]);
  assert.deepEqual(woke, [false, false, false, false, false, true]);
  // 160 µs stays (100 µs ≤ 160 µs); an idle of 300 µs polls 160 µs, blocks, and shrink 0 resets the limit
  assert.equal(w.idle(300_000), 160_000);
  assert.equal(w.woke, false);
  assert.equal(w.idle(5_000), 0);
  assert.equal(w.woke, false);
  // a wake-up already pending needs no poll and no block
  assert.equal(w.idle(0), 0);
  assert.equal(w.woke, true);
});

test("cpuidle-haltpoll's window: grows from 50 µs, halves after an idle longer than 200 µs", () => {
  // 2 cycles per ns: an idle of 150 µs is 300,000 cycles. Limits before each: 0, 50, 100, 200 µs
  const w = new HaltPollWindow(GUEST_HALT_POLL, 2);
  assert.equal(w.idle(300_000), 0);
  assert.equal(w.idle(300_000), 100_000);
  assert.equal(w.idle(300_000), 200_000);
  assert.equal(w.woke, false);
  assert.equal(w.idle(300_000), 300_000);
  assert.equal(w.woke, true);
  // 1 ms: polls the 200 µs limit, blocks, halves it to 100 µs; then 150 µs no longer fits
  assert.equal(w.idle(2_000_000), 400_000);
  assert.equal(w.idle(300_000), 200_000);
  assert.equal(w.woke, false);
});
