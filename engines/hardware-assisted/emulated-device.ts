// Register accesses per request of the legacy devices QEMU emulates (io=emulated).
// disk, an IDE/ATA controller with bus-master DMA (QEMU hw/ide): estimate from the ATA protocol — six
// task-file writes (features, sector count, LBA low/mid/high, device), the command write, then the bus-master
// PRD address and start writes, and the status reads in the interrupt handler: ~10 port accesses.
// net, an e1000 (QEMU hw/net/e1000.c): estimate — the transmit tail (TDT) doorbell, the interrupt cause read
// (ICR) and the interrupt-mask write in the handler: 3 MMIO accesses per packet.
import type { DeviceKind } from '../types.ts';

const DISK_PIO_PER_REQUEST = 10;
const NET_MMIO_PER_PACKET = 3;

export function emulatedRegisterAccesses(device: DeviceKind): number {
  return device === 'disk' ? DISK_PIO_PER_REQUEST : NET_MMIO_PER_PACKET;
}
