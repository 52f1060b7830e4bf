// Xen's trace of a domU run split by operation and by domain, on the recorded domU fixture (fixtures.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { parseXenalyzeDomains } from '../../../../engines/lab/xen-qemu/xenalyze-domains.ts';
import { FIRST_MARKER } from '../../../../engines/lab/xen-qemu/domu-script.ts';
import { domuFixture } from './fixtures.ts';

const dump = gunzipSync(domuFixture().xenGz).toString('utf8');

test('the domU\'s user-mode forced CPUIDs open and close 13 windows; the kernel\'s own (ffffffff…) open none', () => {
  // the fixture starts with the domU kernel's boot-time CPUIDs at ffffffff81022844, then 26 markers at
  // 0x401e2c, two per operation of the 13-operation stream
  assert.match(dump, /forced_invalid_op\[ 81022844 ffffffff \]/);
  assert.equal(parseXenalyzeDomains(dump).length, 13);
});

test('a 4 KiB read: blkfront sends once, Xen runs dom0, blkback answers with one send and blocks, the domU runs again', () => {
  // op 0's window (read line by line in the fixture): the domU's `hypercall 20 (evtchn_op)`, then
  // `runstate_change d0v0 runnable->running`; dom0's `grant_table_op) unmap_grant_ref 0 ops` (the
  // request's grant is persistent: nothing to unmap), its `evtchn_op` and `sched_op) block`
  // twice; `runstate_change d1v0 runnable->running`
  // (xenalyze's evtchn_op is counted under Xen's name, event_channel_op: xenalyze-dump.ts tallyRecord)
  const [op0] = parseXenalyzeDomains(dump);
  assert.equal(op0.guest['hypercall:event_channel_op'], 1);
  assert.equal(op0.dom0['hypercall:event_channel_op'], 1);
  assert.equal(op0.dom0['hypercall:grant_table_op'], 1);
  assert.equal(op0.dom0['grant:unmap_grant_ref'], 0);
  assert.equal(op0.dom0['grant:map_grant_ref'], undefined);
  assert.equal(op0.dom0['hypercall:sched_op'], 2);
  assert.deepEqual(op0.sched, { 'run:dom0': 1, 'run:guest': 1 });
  // scheduler records are not PV traps
  assert.ok(!Object.keys(op0.guest).some((k) => /sched|runstate|vcpu_wake/.test(k)), JSON.stringify(op0.guest));
});

test('the marker itself is in no window, and a window without I/O (10 syscalls) has no dom0 records', () => {
  const op11 = parseXenalyzeDomains(dump)[11];
  assert.equal(op11.guest['trap:forced_invalid_op'], undefined);
  // 10 system calls: each returns to user mode by HYPERVISOR_iret (Linux arch/x86/xen/xen-asm.S xen_iret)
  assert.equal(op11.guest['hypercall:iret'], 10);
  assert.deepEqual(op11.dom0, {});
});

test('persistent grants: the 1 MiB writes after the 1 MiB reads map no grant, the reads did', () => {
  const ops = parseXenalyzeDomains(dump);
  // op 9 (4 × 1 MiB reads) needs more granted pages than blkfront's pool held; op 10 (4 × 1 MiB writes)
  // reuses them: blkback keeps every grant it mapped (feature-persistent, xen-blkback/blkback.c)
  assert.ok((ops[9].dom0['grant:map_grant_ref'] ?? 0) > 0);
  assert.equal(ops[10].dom0['grant:map_grant_ref'], undefined);
});

test('a trace cut before its last end marker is an error naming the operation', () => {
  const cut = dump.slice(0, dump.lastIndexOf('forced_invalid_op[ 401e2c 0 ]'));
  assert.throws(() => parseXenalyzeDomains(cut), /operation 12 has no end marker/);
});

test('Xen switches lazily: the domU running again after the idle vCPU is no domain switch, after dom0 it is', () => {
  // lines in xenalyze's format, as in the fixture: the domU blocks, idle runs, the domU's own timer wakes it
  // (xen/arch/x86/domain.c context_switch: idle borrowed the domU's state, no __context_switch), then a real
  // round trip to dom0 and back
  const trace = [
    'x d1v0 forced_invalid_op[ 401e2c 0 ]',
    'x d?v? runstate_change d32767v0 runnable->running',
    'x d?v? runstate_change d1v0 runnable->running',
    'x d1v0 hypercall 20 (evtchn_op)',
    'x d?v? runstate_change d0v0 runnable->running',
    'x d0v0 hypercall 20 (evtchn_op)',
    'x d?v? runstate_change d1v0 runnable->running',
    'x d1v0 forced_invalid_op[ 401e2c 0 ]',
  ].join('\n');
  const [op] = parseXenalyzeDomains(trace);
  assert.deepEqual(op.sched, { 'run:idle': 1, 'run:dom0': 1, 'run:guest': 1 });
  assert.deepEqual([op.guest['hypercall:event_channel_op'], op.dom0['hypercall:event_channel_op']], [1, 1]);
});

test("the dump dom0 sends starts at FIRST_MARKER's first line: the same windows as the whole dump, the kernel's CPUIDs cut", () => {
  const lines = dump.split('\n');
  const first = lines.findIndex((l) => l.includes('forced_invalid_op') && new RegExp(FIRST_MARKER).test(l));
  assert.equal(lines[first], 'x d1v0 forced_invalid_op[ 401e2c 0 ]');
  const sent = lines.slice(first).join('\n');
  assert.doesNotMatch(sent, /ffffffff \]/);
  assert.deepEqual(parseXenalyzeDomains(sent), parseXenalyzeDomains(dump));
});
