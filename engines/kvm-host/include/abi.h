/*
 * The contract between the VMM (vmm/), the guest (guest/) and the TypeScript serializer (op-stream.ts):
 * guest-physical memory layout, the operation-stream record format, the boot-information block and the
 * I/O ports and MMIO addresses of the devices. Both C sides include this file; op-stream.ts mirrors the
 * record format and is checked against it by the round-trip test.
 *
 * Guest-physical addresses equal guest-virtual addresses in the kernel half (the host identity-maps the
 * first 1 GiB with 2 MiB pages), so every address below is usable by the guest as is.
 */
#ifndef HVBENCH_ABI_H
#define HVBENCH_ABI_H

#include <stdint.h>

/* ---- memory layout (guest-physical) ------------------------------------------------------------------ */
#define ABI_GDT_GPA        0x1000ull   /* host-built GDT (selectors below) followed by the TSS */
#define ABI_TSS_GPA        0x1800ull
#define ABI_BOOT_GPA       0x2000ull   /* struct abi_boot */
#define ABI_PML4_GPA       0x10000ull  /* host-built identity map: PML4, PDPT, one PD of 2 MiB pages */
#define ABI_PDPT_GPA       0x11000ull
#define ABI_PD_GPA         0x12000ull
#define ABI_APIC_PD_GPA    0x13000ull  /* a PD for the fourth GiB: the 2 MiB page holding the xAPIC page, uncached */
#define ABI_IMAGE_GPA      0x100000ull /* guest image load and entry address */
#define ABI_IMAGE_MAX      0xc0000ull
#define ABI_STACK_TOP      0x1f0000ull /* kernel stack grows down from here */
#define ABI_AP_STACK_TOP   0x1f8000ull /* vCPU 1's kernel stack, between the BSP's and the user stack */
#define ABI_AP_STACK_BYTES 0x1000ull   /* vCPU i >= 1: ABI_AP_STACK_TOP - (i - 1) * this, down to the BSP's top */
#define ABI_USER_STACK_TOP 0x200000ull
#define ABI_OPS_GPA        0x200000ull /* the operation stream, ABI_OPS_MAX bytes */
#define ABI_OPS_MAX        0x100000ull
#define ABI_RESULTS_GPA    0x300000ull /* struct abi_op_result[op count] */
#define ABI_RING_GPA       0x400000ull /* the virtio-blk split virtqueue and its request headers (below) */
#define ABI_IOBUF_GPA      0x410000ull /* I/O data buffers: ABI_IOBUF_SIZE bytes */
#define ABI_IOBUF_SIZE     0xf0000ull
#define ABI_PIO_BUF_GPA    ABI_IOBUF_GPA /* a string PIO's buffer: the start of the I/O data buffer (page-aligned; */
#define ABI_PIO_BUF_BYTES  0x10000ull    /* no io op runs beside it), elements x width at most this */
#define ABI_POOL_GPA       0x800000ull /* guest frame pool: page tables and demand-faulted frames */
#define ABI_MIN_MEM        0x1000000ull
#define ABI_MAX_MEM        0x30000000ull /* 768 MiB: RAM and the MMIO page both sit inside the 1 GiB identity map */
#define ABI_MMIO_GPA       0x3ff00000ull /* no memory slot here: every access is a KVM_EXIT_MMIO */
#define ABI_MMIO_SIZE      0x1000ull
#define ABI_VIRTIO_NOTIFY_GPA 0x3ff01000ull /* the queue's notify register: a KVM_IOEVENTFD, no user-space exit */
#define ABI_XAPIC_GPA      0xfee00000ull /* the local APIC's registers in xAPIC mode (IA32_APIC_BASE's reset value) */

/* ---- GDT selectors: SYSRET's fixed layout needs user data right below user code (Intel SDM SYSRET) ---- */
#define ABI_SEL_KCODE 0x08
#define ABI_SEL_KDATA 0x10
#define ABI_SEL_UBASE 0x18  /* STAR[63:48]: SYSRET loads SS = base + 8, CS = base + 16 */
#define ABI_SEL_UDATA 0x20
#define ABI_SEL_UCODE 0x28
#define ABI_SEL_TSS   0x30

/* ---- I/O ports ------------------------------------------------------------------------------------------ */
#define ABI_PORT_SERIAL   0x3f8  /* COM1 THR: guest console text */
#define ABI_PORT_CONTROL  0x510  /* run end: honoured only when abi_boot.done is set */
#define ABI_CONTROL_PHASE 0x45534850u /* "PHSE": a 32-bit write of this to ABI_PORT_CONTROL before done is the
                                       * phase op: setup ends here, the VMM keeps its tallies as they are
                                       * (written after the boot when the stream has no phase op) */
#define ABI_PORT_FW_CFG_DATA 0x511 /* QEMU's fw_cfg data port (vmm/devices/fw-cfg.c) */
#define ABI_PORT_BLK_BASE 0x1f0  /* emulated block device, 8 registers (see devices/emulated-block.c) */
#define ABI_PORT_BLK_DATA   (ABI_PORT_BLK_BASE + 0) /* 32-bit data window, string I/O */
#define ABI_PORT_BLK_COUNT  (ABI_PORT_BLK_BASE + 2) /* bytes of the next transfer (32-bit) */
#define ABI_PORT_BLK_SECTOR (ABI_PORT_BLK_BASE + 3) /* byte offset / 512 on the disk (32-bit) */
#define ABI_PORT_BLK_CMD    (ABI_PORT_BLK_BASE + 7) /* write: command; read: status */
#define ABI_BLK_CMD_READ  0x20
#define ABI_BLK_CMD_WRITE 0x30
#define ABI_BLK_STATUS_READY 0x40
#define ABI_BLK_STATUS_DRQ   0x08
#define ABI_BLK_STATUS_ERR   0x01

/* ---- the operation stream -------------------------------------------------------------------------------
 * header (16 bytes) then `count` records of 32 bytes, then a names table the guest ignores (region names for
 * the round trip). Little-endian throughout.                                                              */
#define ABI_OPS_MAGIC   0x504f5648u /* "HVOP" */
#define ABI_OPS_VERSION 2u /* 2: a pio record carries its string repeat count (c) and width (flags) */
#define ABI_MAX_REGIONS 16u
#define ABI_MAX_PROCS   64u /* processes alive at once (guest/process.c) */
#define ABI_MAX_SPACES  ABI_MAX_PROCS /* every address space has a process, so never more of them */

struct abi_ops_header {
  uint32_t magic;
  uint32_t version;
  uint32_t count;
  uint32_t names_offset; /* byte offset of the names table from the start of the stream */
};

enum abi_op_kind {
  OPK_COMPUTE = 1, OPK_SYSCALL, OPK_CPUID, OPK_RDTSC, OPK_MSR, OPK_HLT, OPK_HYPERCALL, OPK_PIO, OPK_MMIO,
  OPK_MAP, OPK_UNMAP, OPK_PROTECT, OPK_TOUCH, OPK_INVLPG, OPK_FORK, OPK_EXEC, OPK_EXIT, OPK_SWITCH, OPK_IO,
  OPK_TIMER, OPK_IPI, OPK_SHOOTDOWN, OPK_PHASE,
  OPK_LIMIT
};

/* flag bits of abi_op.flags */
#define ABI_F_WRITE      0x01 /* msr, pio, mmio, touch write; protect writable; io dir write */
#define ABI_F_PAT_SHIFT  1    /* touch pattern: 0 seq, 1 random, 2 stride */
#define ABI_F_PAT_MASK   0x06
#define ABI_F_WIDTH_SHIFT 1   /* pio width: 0 not given (1 byte), 1 one byte, 2 two, 3 four (in the touch pattern's bits) */
#define ABI_F_WIDTH_MASK  0x06
#define ABI_F_PS_SHIFT   3    /* map page size: 0 4k, 1 2m, 2 1g */
#define ABI_F_PS_MASK    0x18
#define ABI_F_NET        0x20 /* io device net (else disk); ipi target other (else self) */
#define ABI_F_HAS_STRIDE 0x40 /* touch: `stride` was given */
#define ABI_F_VFORK      0x80 /* fork: the vfork form (the child shares the parent's address space) */
#define ABI_F_MASKED     0x80 /* ipi to self: sent with interrupts disabled, taken at the STI after it */

struct abi_op {
  uint8_t kind;
  uint8_t flags;
  uint16_t region; /* region index for map/unmap/protect/touch/invlpg/shootdown */
  uint32_t a;      /* msr index, pio port, switch target, timer periodUs, shootdown cpus, touch cpu */
  uint64_t b;      /* count / cycles / bytes / accesses / requests / ticks */
  uint64_t c;      /* io bytes per request, touch stride, pio elements per string instruction (0: a plain IN/OUT) */
  uint64_t d;      /* reserved, zero */
};

/* ---- the touch op's access order, shared with the op-runner (engines/lab/op-runner/memory.c) so both measured
 * engines touch the same pages in the same order: access i of `accesses` goes to page abi_touch_page(...) of
 * the region, pattern 0 seq, 1 random (a xorshift whose state starts at ABI_TOUCH_SEED), 2 every stride-th. */
#define ABI_TOUCH_SEED(accesses) (0x9e3779b97f4a7c15ull ^ (uint64_t)(accesses))
static inline uint64_t abi_touch_page(uint32_t pattern, uint64_t i, uint64_t *x, uint64_t pages, uint64_t stride) {
  if (pattern == 1) {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x % pages;
  }
  return pattern == 2 ? (i * stride) % pages : i % pages;
}

/* ---- a string PIO (the pio op with c != 0, and the emulated block device's data window): `rep ins` into or
 * `rep outs` from buf of `elements` elements of `width` bytes (1, 2 or 4; DF clear, so upwards). Shared with the
 * op-runner (engines/lab/op-runner/cpu.c) so both measured guests execute the same instruction. */
static inline void abi_rep_pio(uint16_t port, int write, uint32_t width, void *buf, uint64_t elements) {
  if (write && width == 4) __asm__ volatile("rep outsl" : "+S"(buf), "+c"(elements) : "d"(port) : "memory");
  else if (write && width == 2) __asm__ volatile("rep outsw" : "+S"(buf), "+c"(elements) : "d"(port) : "memory");
  else if (write) __asm__ volatile("rep outsb" : "+S"(buf), "+c"(elements) : "d"(port) : "memory");
  else if (width == 4) __asm__ volatile("rep insl" : "+D"(buf), "+c"(elements) : "d"(port) : "memory");
  else if (width == 2) __asm__ volatile("rep insw" : "+D"(buf), "+c"(elements) : "d"(port) : "memory");
  else __asm__ volatile("rep insb" : "+D"(buf), "+c"(elements) : "d"(port) : "memory");
}

/* ---- results written by the guest, read by the VMM ------------------------------------------------------- */
enum abi_op_status { ABI_ST_NOT_RUN = 0, ABI_ST_OK = 1, ABI_ST_SKIPPED = 2, ABI_ST_FAILED = 3 };

struct abi_op_result {
  uint64_t tsc;    /* TSC cycles the operation took, measured by the guest around it */
  uint32_t status; /* enum abi_op_status */
  uint32_t detail; /* guest-side reason code for skipped / failed */
};

/* ---- the boot block: host fills the first part, the guest the counters ------------------------------------ */
#define ABI_BOOT_MAGIC 0x544f4f42u /* "BOOT" */
struct abi_boot {
  uint32_t magic;
  uint32_t ops_count;     /* copy of the header count as the VMM validated it */
  uint64_t mem_bytes;     /* size of guest RAM from 0 */
  uint32_t io_virtio;     /* io ops use the virtio-blk queue (1) or the emulated block device (0) */
  uint32_t amd;           /* vendor: hypercall is VMMCALL (1) or VMCALL (0) */
  uint64_t compute_cap;   /* upper bound of compute loop iterations per op */
  uint32_t disabled;      /* ABI_DISABLE_* bits: ops the backend cannot run, skipped by the guest */
  uint32_t apic_mode;     /* enum abi_apic_mode: how the guest drives its local APIC */
  /* written by the guest */
  uint32_t done;          /* set right before the final write to ABI_PORT_CONTROL */
  uint32_t current_op;    /* index of the op being interpreted: the VMM attributes exits with it */
  uint64_t loop_cycles_x1000; /* TSC cycles per iteration of a 2-instruction loop, times 1000 */
  uint64_t page_faults, protection_faults, cr3_writes, invlpgs, full_flushes, syscalls;
  uint64_t gp_faults, ud_faults, frames_used;
  uint64_t forks, execs, exits, cow_faults;
  /* host-filled, read by guest/apic.c and guest/smp.c */
  uint64_t tsc_khz;       /* KVM_GET_TSC_KHZ: converts a timer op's period to TSC-deadline cycles */
  uint32_t lapic_timer;   /* enum abi_lapic_timer: how the timer op arms the LAPIC timer */
  uint32_t cpus;          /* vCPUs the VMM started (1 to ABI_MAX_CPUS); vCPU i enters _start with RSI = i */
  /* written by the guest */
  uint64_t timer_irqs, ipis_received, remote_invlpgs, remote_full_flushes;
  uint64_t eoi_writes;    /* EOIs written to the x2APIC because KVM had not set the PV EOI flag */
  uint64_t virtio_kicks, virtio_kicks_suppressed; /* notifies written, and skipped because avail_event said so */
  uint64_t virtio_irqs;   /* completion interrupts taken */
  uint64_t virtio_halts;  /* HLTs waiting for a batch's completions (none when they were there first) */
  uint32_t cpu_features;  /* ABI_CPU_* bits: what CPUID offered the guest */
  uint32_t pad;
  uint64_t apic_mmio;     /* xAPIC register reads and writes through ABI_XAPIC_GPA during the ops (every vCPU) */
  uint64_t early_wakeups; /* interrupts taken between a wait's STI and its HLT, which then was skipped (guest/apic.c) */
  uint64_t wait_halts;    /* HLTs a wait for a timer tick or an IPI reached (guest/apic.c wait_for), early wake-ups included */
};
#define ABI_CPU_PCID    0x1u
#define ABI_CPU_INVPCID 0x2u

#define ABI_CPUS 2u     /* vCPUs the VMM starts unless --cpus says otherwise */
#define ABI_MAX_CPUS 8u /* the APs' 4 KiB stacks fill the 32 KiB between ABI_STACK_TOP and ABI_AP_STACK_TOP */
enum abi_lapic_timer { ABI_TIMER_DEADLINE = 0, ABI_TIMER_ONESHOT = 1, ABI_TIMER_PERIODIC = 2 };
/* x2APIC: registers are MSRs (what KVM offers and Linux picks); xAPIC: memory at ABI_XAPIC_GPA, as a Linux
 * guest booted with nox2apic drives them */
enum abi_apic_mode { ABI_APIC_X2APIC = 0, ABI_APIC_XAPIC = 1 };

/* Ops a backend cannot run as a plain guest expects: on kvm_pvm, VMCALL/VMMCALL never complete and a ring-3
 * SYSCALL reaches LSTAR without leaving CPL 3 (found by experiment; see the engine's report). */
#define ABI_DISABLE_HYPERCALL 0x1u
#define ABI_DISABLE_SYSCALL   0x2u
#define ABI_DETAIL_DISABLED   0x100u /* abi_op_result.detail of an op skipped for that reason */

/* ---- the virtio-blk queue: a split virtqueue (virtio 1.1 §2.6) at ABI_RING_GPA ------------------------------
 * The guest notifies with a 16-bit write of the queue index to ABI_VIRTIO_NOTIFY_GPA (Linux
 * drivers/virtio/virtio_pci_modern.c vp_notify: iowrite16 to the notify capability in a memory BAR); the VMM
 * registers it with KVM_IOEVENTFD, serves the queue in its I/O thread and completes through KVM_IRQFD as an MSI
 * of vector ABI_VIRTIO_VECTOR to APIC ID 0 (vmm/devices/virtio-blk-thread.c). VIRTIO_RING_F_EVENT_IDX is in
 * use: used_event and avail_event decide every notify and every interrupt (vring_need_event). */
#define ABI_VQ_SIZE        128u  /* kvmtool's VIRTIO_BLK_QUEUE_SIZE; three descriptors per request */
#define ABI_VQ_DESC_GPA    (ABI_RING_GPA + 0x0000ull)  /* struct abi_vq_desc[ABI_VQ_SIZE], 16-byte aligned */
#define ABI_VQ_AVAIL_GPA   (ABI_RING_GPA + 0x0800ull)  /* struct abi_vq_avail */
#define ABI_VQ_USED_GPA    (ABI_RING_GPA + 0x1000ull)  /* struct abi_vq_used, 4-byte aligned */
#define ABI_VQ_HDR_GPA     (ABI_RING_GPA + 0x2000ull)  /* struct abi_blk_req_hdr per descriptor head */
#define ABI_VQ_STATUS_GPA  (ABI_RING_GPA + 0x3000ull)  /* one status byte per descriptor head */
#define ABI_VIRTIO_VECTOR  0x23u /* the guest's completion vector (guest/apic.h VEC_VIRTIO) */
/* Requests per notify: Linux's block plug holds at most BLK_MAX_REQUEST_COUNT (32, include/linux/blkdev.h;
 * blk_add_rq_to_plug in block/blk-mq.c flushes it when full), and virtio-blk kicks once per flush, on the
 * request marked last (virtio_queue_rq's bd->last, or virtio_queue_rqs for the whole plug). An `io` record's
 * requests are one submission (io_submit of N), so it is ceil(N / 32) kicks. The model's batch is the same
 * number (engines/guest/block-net-driver.ts RING_SLOTS). */
#define ABI_VQ_BATCH       32u

#define ABI_VQ_DESC_F_NEXT  1u /* VIRTQ_DESC_F_NEXT */
#define ABI_VQ_DESC_F_WRITE 2u /* VIRTQ_DESC_F_WRITE: device-writable */
struct abi_vq_desc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};
struct abi_vq_avail {
  uint16_t flags;
  uint16_t idx;
  uint16_t ring[ABI_VQ_SIZE];
  uint16_t used_event; /* the driver wants an interrupt once the used index passes this */
};
struct abi_vq_used_elem {
  uint32_t id;  /* head of the chain */
  uint32_t len; /* bytes the device wrote */
};
struct abi_vq_used {
  uint16_t flags;
  uint16_t idx;
  struct abi_vq_used_elem ring[ABI_VQ_SIZE];
  uint16_t avail_event; /* the device wants a notify once the avail index passes this */
};

/* virtio 1.1 §2.6.7.2 / Linux include/uapi/linux/virtio_ring.h: notify or interrupt only when the index moved
 * past `event` in this step from old to new (mod 2^16) */
static inline int abi_vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx) {
  return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

/* virtio-blk's request header (virtio 1.1 §5.2.6); the net `io` ops use the same queue, with the same header */
#define ABI_BLK_T_IN  0u
#define ABI_BLK_T_OUT 1u
#define ABI_BLK_S_OK     0u
#define ABI_BLK_S_IOERR  1u
#define ABI_BLK_S_UNSUPP 2u
struct abi_blk_req_hdr {
  uint32_t type;
  uint32_t reserved;
  uint64_t sector;
};

#endif
