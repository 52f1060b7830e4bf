// The two address layouts a guest kernel runs with: x86-64 Linux on 4-level paging, and 32-bit Linux with PAE
// (the 3G/1G split) as a 32-bit Xen PV guest runs it. The kernel image, the mmap area and the end of user space
// follow from them; the platform says which one its guest uses.
import type { AddressLayout } from '../types.ts';
import { USER_VA_END } from '../../harness/limits.ts';
import { LEVEL_SPAN, PAE_FORMAT, X86_FORMAT } from '../machine/pte.ts';
import { MMAP_BASE } from './address-space.ts';

/** x86-64: the kernel at __START_KERNEL_map (0xffffffff80000000: PML4 slot 511, PDPT slot 510;
 *  arch/x86/include/asm/page_64_types.h), the user half below PML4 slot 256 */
export const X86_64_LAYOUT: AddressLayout = {
  format: X86_FORMAT,
  kernelSlot: 511,
  kernelHalfSlot: 256,
  kernelBase: 511 * LEVEL_SPAN[4] + 510 * LEVEL_SPAN[3],
  mmapBase: MMAP_BASE,
  userVaEnd: USER_VA_END,
  // pgd_ctor links the kernel's PGD entries (clone_pgd_range, arch/x86/mm/pgtable.c): one set of kernel tables
  sharedKernelPmd: true,
};

/** 32-bit PAE: PAGE_OFFSET = TASK_SIZE = 0xc0000000, PDPT slot 3 (arch/x86/Kconfig VMSPLIT_3G), the kernel
 *  image 16 MiB above it (CONFIG_PHYSICAL_START); the legacy bottom-up mmap area from TASK_UNMAPPED_BASE =
 *  TASK_SIZE / 3 = 0x40000000 (arch/x86/include/asm/processor.h) */
export const PAE_LAYOUT: AddressLayout = {
  format: PAE_FORMAT,
  kernelSlot: 3,
  kernelHalfSlot: 3,
  kernelBase: 3 * LEVEL_SPAN[3] + 16 * 2 ** 20,
  mmapBase: 2 ** 30,
  userVaEnd: 3 * 2 ** 30,
  // Xen PV (Linux enlighten_pv.c xen_info.shared_kernel_pmd = 0, so SHARED_KERNEL_PMD is 0 in
  // pgtable-3level_types.h): Xen writes each pgd's own linear page-table mapping into the top of the PMD at
  // PDPT slot 3 (xen/arch/x86/mm.c create_pae_xen_mappings), so that PMD cannot be shared between pgds;
  // pgd_alloc → pgd_prepopulate_pmd copies the kernel PMD (swapper_pg_dir's) into a PMD of each new pgd
  sharedKernelPmd: false,
};

/** the end of the user part of the root table: everything free_pgtables may free lies below it */
export function userTop(layout: AddressLayout): number {
  return layout.kernelHalfSlot * LEVEL_SPAN[layout.format.levels];
}
