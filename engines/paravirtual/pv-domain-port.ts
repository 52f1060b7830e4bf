// A PV guest's way to its Dom0 back end (XenDomainPort): the front end's EVTCHNOP_send is a hypercall, and
// Xen's scheduler switching this physical CPU to Dom0 and back loads the other domain's tables
// (write_ptbase → switch_cr3_cr4, xen-cr3.ts), so the guest's TLB is lost; back in the guest, Xen returns to
// the guest's user mode, a guest page-table switch like any other.
import type { XenDomainPort } from '../types.ts';
import type { Counters } from '../machine/counters.ts';
import type { Hypercalls } from './hypercalls.ts';
import type { XenCr3 } from './xen-cr3.ts';

export class PvDomainPort implements XenDomainPort {
  /** Dom0's top-level table, loaded while its back end runs on this physical CPU */
  private dom0Root = 0;
  /** the guest table the switch to Dom0 left */
  private guestRoot = 0;

  constructor(
    private readonly counters: Counters,
    private readonly calls: Hypercalls,
    private readonly cr3: XenCr3,
    private readonly allocFrame: () => number,
  ) {}

  notify(mechanism: string, cycles: number): void {
    this.calls.call('event_channel_op', mechanism, 1, cycles);
  }

  toDom0(): void {
    if (this.dom0Root === 0) this.dom0Root = this.allocFrame();
    this.guestRoot = this.cr3.root;
    this.switchTo(this.dom0Root);
  }

  toGuest(): void {
    this.switchTo(this.guestRoot);
    this.cr3.toUser('domain-switch');
  }

  /** Xen's context switch to another domain on this CPU (write_ptbase) */
  private switchTo(root: number): void {
    this.cr3.switchBase(root, 'domain-switch');
    this.counters.event('domainSwitches');
  }
}
