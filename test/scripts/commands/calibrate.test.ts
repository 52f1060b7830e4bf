// `hvbench calibrate` runs the VMM the engine runs ($HVBENCH_KVM_HOST_VMM included) and reports a failed
// measurement in one line, exit 1, without a stack trace and without writing the profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../../bin/hvbench.js', import.meta.url).pathname;
const fixtures = new URL('../../engines/kvm-host/fixtures/', import.meta.url).pathname;

test('the VMM override is used, and its failure is one line with exit 1 and no profile written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvb-cal-'));
  try {
    const out = join(dir, 'host.json');
    // the recording replays a short report: the empty availability probe passes, the calibration stream's
    // operation count does not match it, so the fake VMM refuses with its own message
    const r = spawnSync(process.execPath, [BIN, 'calibrate', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, HVBENCH_KVM_HOST_VMM: join(fixtures, 'fake-vmm.mjs'), HVBENCH_KVM_HOST_GUEST: join(fixtures, 'recorded-kvm-pvm.json') },
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^hvbench: calibrate failed: calibration run failed: fake VMM: recording has \d+ ops, stream has \d+\n$/);
    assert.equal(existsSync(out), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
