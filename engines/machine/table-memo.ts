// Where each level's table of the walk before lives in SparsePhysicalMemory's word array: consecutive walks
// mostly read the same upper tables, so a repeated (level, frame) skips offsetOf's two directory loads. Valid
// while the memory's layoutEpoch is unchanged (a frame keeps its slot until freeFrame bumps the epoch).
import type { SparsePhysicalMemory } from './physical-memory.ts';

export class TableMemo {
  /** per level 1–4: the table frame last read there (-1: none) and its word offset */
  private readonly frames = new Float64Array(5).fill(-1);
  private readonly bases = new Int32Array(5);
  private epoch = -1;

  constructor(private readonly mem: SparsePhysicalMemory) {}

  /** at the start of a walk: forget every offset if a frame lost its storage since the last one */
  sync(): void {
    if (this.epoch !== this.mem.layoutEpoch) {
      this.frames.fill(-1);
      this.epoch = this.mem.layoutEpoch;
    }
  }

  /** word offset of table `frame`, read at `level`, in mem.words; -1 if the frame has no storage */
  base(level: number, frame: number): number {
    if (this.frames[level] === frame) return this.bases[level];
    const base = this.mem.offsetOf(frame);
    if (base < 0) return -1;
    this.frames[level] = frame;
    this.bases[level] = base;
    return base;
  }
}
