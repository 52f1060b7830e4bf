/* map/unmap/protect/touch as mmap/munmap/mprotect and loads and stores. Regions are this process's own: a
 * forked child inherits them (copy-on-write), exec drops them, as the vocabulary says. The touch order is
 * abi.h's abi_touch_page, the kvm-host guest's too. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>
#include "op-runner.h"

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

static struct region { uint8_t *base; uint64_t bytes, page; int mapped, writable; } regions[ABI_MAX_REGIONS];

static struct op_outcome ok(void) { return (struct op_outcome){ ABI_ST_OK, DETAIL_NONE, 0 }; }
static struct op_outcome failed(uint32_t detail, int err) { return (struct op_outcome){ ABI_ST_FAILED, detail, err }; }

struct op_outcome mem_map(uint32_t index, uint64_t bytes, uint32_t page_size) {
  if (index >= ABI_MAX_REGIONS) return failed(DETAIL_NOT_MAPPED, 0);
  struct region *r = &regions[index];
  if (r->mapped) munmap(r->base, r->bytes);
  r->mapped = 0;
  uint64_t page = page_size == 2 ? SZ_1G : page_size == 1 ? SZ_2M : SZ_4K;
  bytes = (bytes + page - 1) & ~(page - 1);
  void *at;
  if (page == SZ_1G) {
    at = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (30 << MAP_HUGE_SHIFT), -1, 0);
  } else if (page == SZ_2M) {
    /* a 2 MiB-aligned range with transparent huge pages asked for: the kernel backs it with 2 MiB pages
     * where it can (Linux mm/huge_memory.c), which is what the simulated engines' 2m pages model */
    uint8_t *raw = mmap(NULL, bytes + SZ_2M, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return failed(DETAIL_ERRNO, errno);
    uint8_t *aligned = (uint8_t *)(((uintptr_t)raw + SZ_2M - 1) & ~(SZ_2M - 1));
    if (aligned > raw) munmap(raw, aligned - raw);
    munmap(aligned + bytes, raw + SZ_2M - aligned);
    madvise(aligned, bytes, MADV_HUGEPAGE);
    at = aligned;
  } else {
    at = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  }
  if (at == MAP_FAILED) return failed(DETAIL_ERRNO, errno);
  *r = (struct region){ at, bytes, page, 1, 1 };
  return ok();
}

struct op_outcome mem_unmap(uint32_t index) {
  if (index >= ABI_MAX_REGIONS || !regions[index].mapped) return failed(DETAIL_NOT_MAPPED, 0);
  struct region *r = &regions[index];
  if (munmap(r->base, r->bytes) < 0) return failed(DETAIL_ERRNO, errno);
  r->mapped = 0;
  return ok();
}

struct op_outcome mem_protect(uint32_t index, int writable) {
  if (index >= ABI_MAX_REGIONS || !regions[index].mapped) return failed(DETAIL_NOT_MAPPED, 0);
  struct region *r = &regions[index];
  if (mprotect(r->base, r->bytes, writable ? PROT_READ | PROT_WRITE : PROT_READ) < 0) return failed(DETAIL_ERRNO, errno);
  r->writable = writable;
  return ok();
}

struct op_outcome mem_touch(uint32_t index, uint32_t pattern, uint64_t accesses, int write, uint64_t stride) {
  if (index >= ABI_MAX_REGIONS || !regions[index].mapped) return failed(DETAIL_NOT_MAPPED, 0);
  const struct region *r = &regions[index];
  if (write && !r->writable) return failed(DETAIL_ERRNO, EACCES); /* would be SIGSEGV */
  uint64_t pages = r->bytes / r->page;
  uint64_t x = ABI_TOUCH_SEED(accesses);
  for (uint64_t i = 0; i < accesses; i++) {
    uint64_t p = abi_touch_page(pattern, i, &x, pages, stride);
    volatile uint64_t *at = (volatile uint64_t *)(r->base + p * r->page + ((i * 64) & (r->page - 1)));
    if (write) *at = i;
    else (void)*at;
  }
  return ok();
}

struct op_outcome mem_touch_op(const struct abi_op *op) {
  return mem_touch(op->region, (op->flags & ABI_F_PAT_MASK) >> ABI_F_PAT_SHIFT, op->b, op->flags & ABI_F_WRITE,
                   (op->flags & ABI_F_HAS_STRIDE) ? op->c : 1);
}
