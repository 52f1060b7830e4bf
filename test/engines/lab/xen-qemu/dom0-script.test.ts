// The dom0 script's waits, run by busybox's shell (the one dom0 runs them with) on a file another process
// writes: they end on what happens to the file, never on a fixed delay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOM0_SCRIPT, LINUX_TRACE_SED, waitForFirstRecord, waitUntilDrained } from '../../../../engines/lab/xen-qemu/dom0-script.ts';

const busybox = spawnSync('busybox', ['true']).status === 0;

function sh(script: string): { status: number | null; stderr: string } {
  const r = spawnSync('busybox', ['sh', '-c', script], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

test('the script waits for xentrace\'s first record, and for its file to stop growing, instead of sleeping', () => {
  assert.match(DOM0_SCRIPT, /while \[ ! -s \/tmp\/xen\.trc \]/);
  assert.doesNotMatch(DOM0_SCRIPT, /^sleep \d/m);
  // the wait for the first record sits between starting xentrace and the op-runner
  const start = DOM0_SCRIPT.indexOf('xentrace -D');
  const wait = DOM0_SCRIPT.indexOf('! -s /tmp/xen.trc');
  const runner = DOM0_SCRIPT.indexOf('op-runner --marker');
  assert.ok(start < wait && wait < runner);
});

test('waitForFirstRecord returns once a writer puts the first bytes in the file; a file that stays empty fails in one line', { skip: !busybox && 'busybox not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dom0-wait-'));
  const file = join(dir, 'xen.trc');
  // the writer appears 0.3 s after the wait began: the wait sees the empty file at least once, then the record
  const ok = sh(`: > ${file}; (sleep 0.3; printf rec >> ${file}) & ${waitForFirstRecord(file, 600)}
echo seen; cat ${file}`);
  assert.equal(ok.status, 0, ok.stderr);
  // nobody writes: 3 tenths, then exit 4 with the reason
  const none = sh(`: > ${join(dir, 'empty')}; ${waitForFirstRecord(join(dir, 'empty'), 3)}
echo not reached`);
  assert.equal(none.status, 4);
  assert.equal(none.stderr, 'xentrace recorded nothing within 0.3 s\n');
});

test('waitUntilDrained returns only after the writer stopped: the file holds everything written', { skip: !busybox && 'busybox not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dom0-drain-'));
  const file = join(dir, 'xen.trc');
  // a writer appending 5 records 0.1 s apart: the wait needs three unchanged sizes half a second apart, which
  // only comes after the fifth record
  const r = spawnSync('busybox', ['sh', '-c', `: > ${file}; (for i in 1 2 3 4 5; do printf x >> ${file}; sleep 0.1; done) &
${waitUntilDrained(file)}
wc -c < ${file}`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '5');
});

test('the trace filter keeps flush_tlb_multi\'s ncpus and range and cuts the prefix and the mm pointer', { skip: !busybox && 'busybox not installed' }, () => {
  const raw = '       op-runner-213     [000] d..1.   412.000101: xen_mmu_flush_tlb_multi: ncpus 3 mm 00000000c3a1e2f4 addr 7f5a3c000000, end 7f5a3c001000';
  const r = spawnSync('busybox', ['sh', '-c', `printf '%s\\n' '${raw}' | ${LINUX_TRACE_SED.replace('sed -E', 'busybox sed -E')}`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'xen_mmu_flush_tlb_multi: ncpus 3 addr 7f5a3c000000, end 7f5a3c001000\n');
  assert.ok(DOM0_SCRIPT.includes(`$T/trace | ${LINUX_TRACE_SED} | gzip`), 'the script filters its trace with it');
});
