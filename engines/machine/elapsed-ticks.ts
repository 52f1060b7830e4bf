// A periodic timer that fires while the guest runs (the host's tick under KVM, Xen's scheduler timer under Xen
// PV), counted from the guest's elapsed cycles. Asked at the end of each phase, it returns the ticks that fell
// due since it was last asked, so the setup and measured phases each get the ticks of their own guest time and
// the whole run gets floor(guest cycles / period), as one count at the end would.
export class ElapsedTicks {
  private counted = 0;

  constructor(private readonly periodCycles: number) {}

  /** ticks due by `guestCycles` of guest execution that were not returned before */
  due(guestCycles: number): number {
    const n = Math.floor(guestCycles / this.periodCycles) - this.counted;
    this.counted += n;
    return n;
  }
}
