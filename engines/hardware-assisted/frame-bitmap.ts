// A growable set of frame numbers as one byte per frame: frames are handed out densely from 0.
export class FrameBitmap {
  private bits = new Uint8Array(1 << 16);

  has(frame: number): boolean {
    return frame < this.bits.length && this.bits[frame] !== 0;
  }

  add(frame: number, frames: number): void {
    while (frame + frames > this.bits.length) {
      const grown = new Uint8Array(this.bits.length * 2);
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits.fill(1, frame, frame + frames);
  }
}
