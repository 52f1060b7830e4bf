import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InterruptWindow } from '../../../engines/hardware-assisted/interrupt-window.ts';

test('interrupts accepted while IF is clear are held until the STI, then handed over once', () => {
  const w = new InterruptWindow();
  // IF set: injectable at once, nothing held
  assert.equal(w.accept(2), 2);
  assert.equal(w.enable(), 0);
  w.disable();
  assert.equal(w.accept(3), 0);
  assert.equal(w.accept(1), 0);
  assert.equal(w.enable(), 4);
  assert.equal(w.enable(), 0);
});
