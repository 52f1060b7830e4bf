/* Drives the VMM's KVM_EXIT_IO data check (engines/kvm-host/vmm/devices/pio-data.c) and its fw_cfg data port
 * (fw-cfg.c) as a hostile guest's string PIO would reach them, over a buffer standing in for the kvm_run
 * mapping: one case per argument, one JSON line of what happened. Built and run by pio-data.test.ts and
 * fw-cfg.test.ts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../../../engines/kvm-host/vmm/vmm.h"

/* the mapping KVM_GET_VCPU_MMAP_SIZE gives on x86: kvm_run, the pio_data page (KVM_PIO_PAGE_OFFSET 1), the
 * coalesced MMIO ring */
#define RUN_SIZE (3u * 4096u)
static uint8_t *map;

static struct kvm_run *exit_io(uint8_t dir, uint8_t size, uint32_t count, uint64_t offset) {
  struct kvm_run *run = (struct kvm_run *)map;
  run->exit_reason = KVM_EXIT_IO;
  run->io.direction = dir;
  run->io.size = size;
  run->io.port = ABI_PORT_FW_CFG_DATA;
  run->io.count = count;
  run->io.data_offset = offset;
  return run;
}

/* accepted (1) or refused (0), and the bytes an accepted one spans */
static void bounds(const char *name, uint8_t size, uint32_t count, uint64_t offset, int last) {
  uint64_t bytes = 0;
  uint8_t *data = pio_data(exit_io(KVM_EXIT_IO_IN, size, count, offset), RUN_SIZE, &bytes);
  printf("\"%s\":[%d,%llu,%lld]%s", name, data != NULL, (unsigned long long)bytes,
         data ? (long long)(data - map) : -1ll, last ? "" : ",");
}

int main(int argc, char **argv) {
  map = aligned_alloc(4096, RUN_SIZE);
  memset(map, 0xaa, RUN_SIZE);
  const char *c = argc > 1 ? argv[1] : "";
  if (strcmp(c, "bounds") == 0) {
    printf("{");
    bounds("page", 1, 4096, 4096, 0);           /* a read-ahead of a whole page into pio_data */
    bounds("to-end", 4, 2048, 4096, 0);         /* pio_data and the next page, up to the mapping's end */
    bounds("past-end", 1, 8193, 4096, 0);       /* one byte past the mapping */
    bounds("offset-out", 1, 1, RUN_SIZE + 1, 0);
    bounds("offset-at-end", 1, 0, RUN_SIZE, 0); /* nothing to move at the very end */
    bounds("wrap", 4, 0x40000001u, 4096, 1);    /* 4 x 0x40000001 is 4 in 32 bits */
    printf("}\n");
    return 0;
  }
  if (strcmp(c, "fw-cfg") == 0) {
    /* three read-ahead chunks as KVM's emulator asks for them (1,024, 1,024, then the 2 bytes of a rep of
     * 2,050), then an OUTSB of 4 bytes, then one IN */
    struct vm vm;
    memset(&vm, 0, sizeof vm);
    uint32_t counts[3] = { 1024, 1024, 2 };
    unsigned sums[3], head[3][6];
    for (int k = 0; k < 3; k++) {
      uint64_t bytes;
      struct kvm_run *run = exit_io(KVM_EXIT_IO_IN, 1, counts[k], 4096);
      uint8_t *data = pio_data(run, RUN_SIZE, &bytes);
      fw_cfg_data_io(&vm, run, data, bytes);
      sums[k] = 0;
      for (uint64_t i = 0; i < bytes; i++) sums[k] += data[i];
      for (int i = 0; i < 6; i++) head[k][i] = data[i];
    }
    uint64_t bytes;
    struct kvm_run *run = exit_io(KVM_EXIT_IO_OUT, 1, 4, 4096);
    memset(map + 4096, 0x5a, 4);
    uint8_t *data = pio_data(run, RUN_SIZE, &bytes);
    fw_cfg_data_io(&vm, run, data, bytes);
    unsigned out_left = data[0];
    uint64_t after_out = vm.fw_cfg_offset;
    run = exit_io(KVM_EXIT_IO_IN, 1, 1, 4096);
    data = pio_data(run, RUN_SIZE, &bytes);
    fw_cfg_data_io(&vm, run, data, bytes);
    printf("{\"head\":\"%c%c%c%c\",\"afterSignature\":[%u,%u],\"sums\":[%u,%u,%u],\"outLeft\":%u,\"offsetAfterOut\":%llu,"
           "\"lastIn\":%u,\"offset\":%llu,\"accesses\":%llu}\n",
           head[0][0], head[0][1], head[0][2], head[0][3], head[0][4], head[0][5], sums[0], sums[1], sums[2], out_left,
           (unsigned long long)after_out, data[0], (unsigned long long)vm.fw_cfg_offset, (unsigned long long)vm.dev_debug);
    return 0;
  }
  fprintf(stderr, "unknown case %s\n", c);
  return 2;
}
