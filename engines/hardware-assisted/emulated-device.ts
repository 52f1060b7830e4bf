// Register accesses per request of the legacy devices QEMU emulates (io=emulated), counted from the Linux guest
// driver's code path for one request, since each access is one exit to QEMU.
//
// disk: QEMU's PIIX IDE (hw/ide/piix.c, the `pc` machine's default) with bus-master DMA (hw/ide/pci.c
// bmdma_*), driven by Linux ata_piix through libata-sff's BMDMA path (drivers/ata/libata-sff.c), an LBA28
// READ/WRITE DMA on an idle device, every access a port I/O:
//   ata_bmdma_qc_issue → ata_dev_select(wait=1): ata_wait_idle (status read), sff_dev_select (device write,
//     ata_sff_pause's altstatus read), ata_wait_idle (status read)                                       4
//   sff_tf_load = ata_sff_tf_load: feature, nsect, lbal, lbam, lbah, device writes; ata_wait_idle        7
//   bmdma_setup = ata_bmdma_setup: PRD table address write, DMA command read and write;
//     sff_exec_command: command write, ata_sff_pause's altstatus read                                    5
//   bmdma_start = ata_bmdma_start: DMA command read and write                                            2
//   interrupt, ata_bmdma_port_intr: bmdma_status read; ata_bmdma_stop: command read, write and
//     ata_sff_dma_pause's altstatus read; __ata_sff_port_intr: ata_sff_irq_status (altstatus and status
//     reads); ata_bmdma_irq_clear (DMA status read and write)                                           8
// 26 in all. The data moves by DMA (QEMU's ide_dma_cb), so no string PIO.
// net: QEMU's e1000 (hw/net/e1000.c) under Linux's e1000 driver (drivers/net/ethernet/intel/e1000/
// e1000_main.c), one packet and its own interrupt, every access an MMIO: e1000_xmit_frame's tail (TDT) write;
// e1000_intr's ICR read, IMC write and E1000_WRITE_FLUSH (a STATUS read); e1000_clean → e1000_irq_enable's
// IMS write and flush read: 6.
import type { DeviceKind } from '../types.ts';

const DISK_PIO_PER_REQUEST = 4 + 7 + 5 + 2 + 8;
const NET_MMIO_PER_PACKET = 6;

export function emulatedRegisterAccesses(device: DeviceKind): number {
  return device === 'disk' ? DISK_PIO_PER_REQUEST : NET_MMIO_PER_PACKET;
}
