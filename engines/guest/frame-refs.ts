// Reference counts of data frames shared copy-on-write between processes after fork. A frame not in the map
// has exactly one owner, so the common case costs no entry.
export class FrameRefs {
  private readonly shared = new Map<number, number>();

  count(frame: number): number {
    return this.shared.get(frame) ?? 1;
  }

  share(frame: number): void {
    this.shared.set(frame, this.count(frame) + 1);
  }

  /** drop one reference; true when it was the last and the frame can be freed */
  release(frame: number): boolean {
    const n = this.count(frame);
    if (n <= 2) this.shared.delete(frame);
    else this.shared.set(frame, n - 1);
    return n === 1;
  }
}
