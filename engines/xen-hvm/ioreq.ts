// An HVM guest's access to an emulated device, forwarded by Xen to QEMU in Dom0 as an ioreq (xen/arch/x86/hvm/
// ioreq.c, xen/common/ioreq.c; QEMU hw/xen/xen-hvm-common.c). After the exit and Xen's decode (handled in the
// exit handler's cycles), one round trip:
//   1. Xen writes the ioreq into the page it shares with QEMU and signals QEMU's event channel
//      (ioreq_send → notify_via_xen_event_channel); the vCPU waits (wait_on_xen_event_channel);
//   2. Xen's scheduler runs Dom0 on this physical CPU (Dom0 was idle, blocked in SCHEDOP_block);
//   3. Dom0's kernel takes the event-channel upcall and wakes QEMU's thread (a process switch in Dom0);
//   4. QEMU's event loop: ppoll returns, xenevtchn_pending reads the port (read), cpu_handle_ioreq emulates the
//      access, xenevtchn_notify signals Xen back (ioctl → EVTCHNOP_send, a Dom0 hypercall), xenevtchn_unmask
//      (write), ppoll again: four system calls in a PV Dom0, each a round trip through Xen with two guest
//      page-table switches, and with XPTI (on by default on Intel for Dom0 too) two more CR3 writes per entry
//      into Xen and exit from it (xen-cr3.ts);
//   5. QEMU blocks, Dom0's kernel goes idle and blocks (SCHEDOP_block), Xen's scheduler runs the guest's vCPU
//      again, which completes the access (handle_hvm_io_completion) and resumes.
// Dom0's CR3 writes flush only VPID 0's entries: Dom0's syscalls are charged, not run on the simulated TLB.
import type { Counters } from '../machine/counters.ts';
import type { CostProfile } from '../machine/profile.ts';
import { dom0Hypercall } from '../paravirtual/hypercalls.ts';
import type { Dom0Switch } from './dom0-switch.ts';

/** QEMU's system calls per ioreq (step 4 above) */
const QEMU_SYSCALLS_PER_IOREQ = 4;

export class IoreqChannel {
  constructor(
    private readonly counters: Counters,
    private readonly profile: CostProfile,
    private readonly dom0: Dom0Switch,
    /** Dom0 runs with XPTI (Xen's xpti= default: on except on hardware not vulnerable to Meltdown, e.g. AMD) */
    private readonly dom0Xpti: boolean,
  ) {}

  /** `n` ioreqs to QEMU, each with `deviceWork` cycles of emulation in QEMU */
  roundTrips(n: number, deviceWork: number): void {
    if (n === 0) return;
    const c = this.counters;
    const { native, pv } = this.profile;
    // a Dom0 kernel entry from Xen or into it: with XPTI, one CR3 write each way
    const xptiEntry = this.dom0Xpti ? 2 * native.cr3Write : 0;
    c.event('ioreqs', n);
    // 1: the ioreq signalled to QEMU's event channel (evtchn send and upcall delivery in Dom0)
    c.charge('hypervisor', 'ioreq', pv.eventChannelNotify * n);
    c.event('eventChannel', n);
    // 2: Dom0 scheduled in (the scheduler's wake-up of Dom0's vCPU, as for a split-driver back end)
    this.dom0.toDom0(n);
    c.charge('host', 'ioreq', pv.backendWakeup * n);
    // 3: the upcall in Dom0's kernel, returned from with the iret hypercall; QEMU's thread switched in
    c.charge('host', 'ioreq', (native.interrupt + pv.bounceFrame + xptiEntry + native.contextSwitch + native.cr3Write) * n);
    dom0Hypercall(c, pv, 'iret', 'ioreq', n);
    // 4: QEMU's system calls in a 64-bit PV Dom0: SYSCALL, the kernel's work, two guest page-table switches, a
    // bounce frame and the iret hypercall (guest-mode.ts), plus XPTI's CR3 writes
    const syscall = native.syscall + native.syscallKernelWork + 2 * native.cr3Write + pv.bounceFrame + pv.hypercallEntry + xptiEntry;
    c.charge('host', 'ioreq', QEMU_SYSCALLS_PER_IOREQ * syscall * n);
    c.event('dom0Syscalls', QEMU_SYSCALLS_PER_IOREQ * n);
    c.charge('host', 'device-model', deviceWork * n);
    dom0Hypercall(c, pv, 'event_channel_op', 'ioreq', n, (pv.eventChannelNotify + xptiEntry) * n);
    c.event('eventChannel', n);
    // 5: QEMU's thread switched out, Dom0 blocks; the guest's vCPU runs again
    c.charge('host', 'ioreq', (native.contextSwitch + native.cr3Write + xptiEntry) * n);
    dom0Hypercall(c, pv, 'sched_op', 'ioreq', n);
    this.dom0.toGuest(n);
  }
}
