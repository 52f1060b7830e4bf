/* Drives the VMM's virtqueue and virtio-blk code (engines/kvm-host/vmm/devices/virtqueue.c, virtio-blk.c) as an
 * untrusted guest would, over a plain buffer standing in for guest RAM: one case per argument, one JSON line of
 * what the device did. Built and run by virtio-blk.test.ts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../../../engines/kvm-host/vmm/devices/virtio-blk.h"

#define RAM (8u << 20)
static uint8_t *mem;
static struct abi_vq_desc *desc;
static struct abi_vq_avail *avail;
static struct abi_vq_used *used;
static int signals;

static void on_signal(void *ctx) { (void)ctx; signals++; }

static void set_desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
  desc[i] = (struct abi_vq_desc){ addr, len, flags, next };
}

/* a well-formed request at head (heads use head, head + 1, head + 2), posted as avail entry `slot` */
static void request(uint16_t head, uint16_t slot, uint32_t type, uint64_t sector, uint64_t buf, uint32_t len) {
  struct abi_blk_req_hdr h = { type, 0, sector };
  memcpy(mem + ABI_VQ_HDR_GPA + head * sizeof h, &h, sizeof h);
  mem[ABI_VQ_STATUS_GPA + head] = 0xff;
  set_desc(head, ABI_VQ_HDR_GPA + head * sizeof h, sizeof h, ABI_VQ_DESC_F_NEXT, head + 1);
  set_desc(head + 1, buf, len, ABI_VQ_DESC_F_NEXT | (type == ABI_BLK_T_IN ? ABI_VQ_DESC_F_WRITE : 0), head + 2);
  set_desc(head + 2, ABI_VQ_STATUS_GPA + head, 1, ABI_VQ_DESC_F_WRITE, 0);
  avail->ring[slot % ABI_VQ_SIZE] = head;
}

int main(int argc, char **argv) {
  mem = calloc(1, RAM);
  if (!mem) return 1;
  desc = (struct abi_vq_desc *)(mem + ABI_VQ_DESC_GPA);
  avail = (struct abi_vq_avail *)(mem + ABI_VQ_AVAIL_GPA);
  used = (struct abi_vq_used *)(mem + ABI_VQ_USED_GPA);
  for (int c = 1; c < argc; c++) {
    const char *name = argv[c];
    memset(mem, 0, RAM);
    signals = 0;
    struct virtq q;
    virtq_init(&q, mem, RAM);
    struct virtio_blk_tally t = { 0 };
    uint64_t a = ABI_IOBUF_GPA, b = ABI_IOBUF_GPA + 0x1000;
    int passes = 1;
    if (!strcmp(name, "write-read")) {
      memcpy(mem + a, "hello, disk", 12);
      request(0, 0, ABI_BLK_T_OUT, 5, a, 12);
      request(3, 1, ABI_BLK_T_IN, 5, b, 12);
      avail->idx = 2;
    } else if (!strcmp(name, "used-event-later")) {
      request(0, 0, ABI_BLK_T_IN, 0, a, 512);
      request(3, 1, ABI_BLK_T_IN, 1, b, 512);
      avail->used_event = 5;
      avail->idx = 2;
    } else if (!strcmp(name, "unknown-type")) {
      request(0, 0, 7, 0, a, 512);
      avail->idx = 1;
    } else if (!strcmp(name, "head-out-of-range")) {
      request(0, 0, ABI_BLK_T_IN, 0, a, 512);
      avail->ring[0] = 200;
      avail->idx = 1;
    } else if (!strcmp(name, "next-out-of-range")) {
      request(0, 0, ABI_BLK_T_IN, 0, a, 512);
      desc[1].next = 500;
      avail->idx = 1;
    } else if (!strcmp(name, "buffer-outside-ram")) {
      request(0, 0, ABI_BLK_T_IN, 0, RAM - 8, 16);
      avail->idx = 1;
    } else if (!strcmp(name, "buffer-wraps")) {
      request(0, 0, ABI_BLK_T_IN, 0, UINT64_MAX - 1, 4);
      avail->idx = 1;
    } else if (!strcmp(name, "chain-loop")) {
      request(0, 0, ABI_BLK_T_IN, 0, a, 512);
      desc[2].flags |= ABI_VQ_DESC_F_NEXT;
      desc[2].next = 0;
      avail->idx = 1;
    } else if (!strcmp(name, "avail-index-jump")) {
      request(0, 0, ABI_BLK_T_IN, 0, a, 512);
      avail->idx = 1000;
    } else if (!strcmp(name, "writable-header")) {
      request(0, 0, ABI_BLK_T_IN, 0, a, 512);
      desc[0].flags |= ABI_VQ_DESC_F_WRITE;
      avail->idx = 1;
    } else if (!strcmp(name, "broken-stays-broken")) {
      request(0, 0, ABI_BLK_T_IN, 0, a, 512);
      avail->ring[0] = 200;
      avail->idx = 1;
      passes = 2; /* the second pass, after the guest "fixed" the entry, must serve nothing */
    } else {
      fprintf(stderr, "unknown case %s\n", name);
      return 2;
    }
    int r = 0;
    for (int p = 0; p < passes; p++) {
      if (p) avail->ring[0] = 0;
      r = virtio_blk_serve(&q, &t, on_signal, NULL);
    }
    printf("{\"case\":\"%s\",\"result\":%d,\"error\":\"%s\",\"requests\":%llu,\"interrupts\":%llu,"
           "\"suppressed\":%llu,\"signals\":%d,\"usedIdx\":%u,\"availEvent\":%u,\"status\":[%u,%u],\"usedLen\":[%u,%u],"
           "\"readBack\":\"%.11s\"}\n",
           name, r, q.error, (unsigned long long)t.requests, (unsigned long long)t.interrupts,
           (unsigned long long)t.interrupts_suppressed, signals, used->idx, used->avail_event,
           mem[ABI_VQ_STATUS_GPA], mem[ABI_VQ_STATUS_GPA + 3], used->ring[0].len, used->ring[1].len,
           (const char *)(mem + b));
  }
  free(mem);
  return 0;
}
