/* The guest's frame allocator: the pool from ABI_POOL_GPA to the end of RAM. 4 KiB frames bump up from the
 * bottom, 2 MiB frames down from the top, and freed frames go on a free list threaded through their first
 * word. Each frame has a reference count (one byte per 4 KiB frame, itself carved from the bottom of the pool):
 * a frame fork shares between a parent and a child has more than one, and is freed when the last mapping goes
 * (Linux's page refcount as mm/memory.c copy_present_pte takes it and zap_pte_range drops it). */
#include "guest.h"

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull

static uint64_t next_4k, top_2m, free_4k, free_2m, pool_end;
static uint8_t *refs;

static uint8_t *ref_of(uint64_t f) {
  if (f < ABI_POOL_GPA || f >= pool_end || (f & (SZ_4K - 1))) guest_panic(0x201, "frame outside the pool", f);
  return &refs[(f - ABI_POOL_GPA) / SZ_4K];
}

void frames_init(void) {
  pool_end = boot->mem_bytes & ~(SZ_2M - 1);
  uint64_t table = ((pool_end - ABI_POOL_GPA) / SZ_4K + SZ_4K - 1) & ~(SZ_4K - 1);
  refs = (uint8_t *)ABI_POOL_GPA;
  memset(refs, 0, table);
  next_4k = ABI_POOL_GPA + table;
  top_2m = pool_end;
}

int frame_in_pool(uint64_t f) { return f >= ABI_POOL_GPA && f < pool_end; }

uint64_t frame_alloc(int huge) {
  uint64_t f = 0;
  if (!huge && free_4k) { f = free_4k; free_4k = *(uint64_t *)f; }
  else if (huge && free_2m) { f = free_2m; free_2m = *(uint64_t *)f; }
  else if (!huge && next_4k + SZ_4K <= top_2m) { f = next_4k; next_4k += SZ_4K; }
  else if (huge && top_2m >= next_4k + SZ_2M) { top_2m -= SZ_2M; f = top_2m; }
  if (!f) guest_panic(0x200, "guest frame pool exhausted (give the VM more memory)", huge);
  if (!huge) memset((void *)f, 0, SZ_4K); /* page-table pages must start empty; 2 MiB frames are left as is */
  *ref_of(f) = 1;
  boot->frames_used++;
  return f;
}

/* one more mapping of f: fork's copy of a leaf */
void frame_get(uint64_t f) {
  uint8_t *r = ref_of(f);
  if (*r == 0 || *r == 0xff) guest_panic(0x202, "frame reference count out of range", f);
  (*r)++;
}

uint32_t frame_refs(uint64_t f) { return *ref_of(f); }

/* one mapping of f fewer; the last one frees it */
void frame_put(uint64_t f, int huge) {
  uint8_t *r = ref_of(f);
  if (*r == 0) guest_panic(0x203, "frame freed twice", f);
  if (--*r) return;
  uint64_t *head = huge ? &free_2m : &free_4k;
  *(uint64_t *)f = *head;
  *head = f;
  boot->frames_used--;
}
