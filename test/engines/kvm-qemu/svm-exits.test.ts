// SVM exit codes from L1's kvm_exit histogram → the model's VMX reasons and the kernel's SVM names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExitHistogram, svmName, vmxReason } from '../../../engines/kvm-qemu/svm-exits.ts';

test('codes map as APM Table C-1 and KVM say: MSR by EXITINFO1, NPF with a reserved bit is MMIO', () => {
  assert.equal(vmxReason({ code: 0x72, info1: 0n }), 'CPUID');
  assert.equal(vmxReason({ code: 0x7c, info1: 0n }), 'MSR_READ');
  assert.equal(vmxReason({ code: 0x7c, info1: 1n }), 'MSR_WRITE');
  // error code 0x100000007 (PFERR_GUEST_FINAL | user | write | present): an ordinary nested fault
  assert.equal(vmxReason({ code: 0x400, info1: 0x100000007n }), 'EPT_VIOLATION');
  // 0x10000000f adds PFERR_RSVD (bit 3): KVM's MMIO marker
  assert.equal(vmxReason({ code: 0x400, info1: 0x10000000fn }), 'EPT_MISCONFIG');
  assert.equal(vmxReason({ code: 0x13, info1: 0n }), 'CR_ACCESS');
  assert.equal(svmName({ code: 0x13, info1: 0n }), 'write_cr3');
  assert.equal(vmxReason({ code: 0x4e, info1: 0n }), 'EXCEPTION_NMI');
  assert.equal(svmName({ code: 0x4e, info1: 0n }), 'excp_e');
  assert.equal(vmxReason({ code: 0x99, info1: 0n }), 'SVM_0X99');
});

test('a histogram as L1 printed it is summed by reason; Dropped is kept', () => {
  const text = [
    '# event histogram',
    '#',
    '# trigger info: hist:keys=exit_reason,info1:vals=hitcount:sort=hitcount:size=4096 [active]',
    '#',
    '',
    '{ exit_reason:        124, info1:          1 } hitcount:          2',
    '{ exit_reason:        124, info1:          0 } hitcount:          1',
    '{ exit_reason:       1024, info1: 4294967303 } hitcount:        897',
    '{ exit_reason:       1024, info1: 4294967311 } hitcount:         10',
    '{ exit_reason:        114, info1:          0 } hitcount:       1000',
    '',
    'Totals:',
    '    Hits: 1910',
    '    Entries: 5',
    '    Dropped: 3',
  ].join('\n');
  const h = parseExitHistogram(text);
  // 4294967303 = 0x100000007 (no RSVD) and 4294967311 = 0x10000000f (RSVD): 897 violations, 10 misconfigs
  assert.deepEqual(h.byReason, { MSR_WRITE: 2, MSR_READ: 1, EPT_VIOLATION: 897, EPT_MISCONFIG: 10, CPUID: 1000 });
  assert.deepEqual(h.bySvm, { msr: 3, npf: 907, cpuid: 1000 });
  assert.equal(h.total, 2 + 1 + 897 + 10 + 1000);
  assert.equal(h.dropped, 3);
  assert.deepEqual(parseExitHistogram(''), { byReason: {}, bySvm: {}, total: 0, dropped: 0 });
});
