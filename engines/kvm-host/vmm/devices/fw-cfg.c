/* QEMU's fw_cfg data port (hw/nvram/fw_cfg.c: FW_CFG_IO_BASE 0x510 selects an item, +1 reads it): each read
 * byte is the selected item's next one, zeros past its end; writes to the data port do nothing (QEMU took data
 * writes out in 2.4, fw_cfg_comb_write). The selector's port is this VMM's control port (ABI_PORT_CONTROL), so
 * the item is always the one QEMU selects at reset (fw_cfg_reset: FW_CFG_SIGNATURE, the 4 bytes "QEMU"): a
 * guest reads "QEMU" and then zeros, as from QEMU without selecting anything. Every element of a wider access
 * reads the next bytes the same way. */
#include <string.h>
#include "../vmm.h"

static const uint8_t SIGNATURE[4] = { 'Q', 'E', 'M', 'U' };

void fw_cfg_data_io(struct vm *vm, struct kvm_run *run, uint8_t *data, uint64_t bytes) {
  vm->dev_debug++;
  if (run->io.direction != KVM_EXIT_IO_IN) return;
  for (uint64_t i = 0; i < bytes; i++, vm->fw_cfg_offset++)
    data[i] = vm->fw_cfg_offset < sizeof SIGNATURE ? SIGNATURE[vm->fw_cfg_offset] : 0;
}
