/* The guest's own virtual memory: regions demand-faulted into 4-level page tables by a real #PF handler,
 * one set of tables per address space (CR3), unmap/mprotect with INVLPG per page up to Linux's 33-page
 * ceiling and one CR3 reload past it (docs/architecture.md#native). The kernel half (PML4 entry 0, the host's identity map) is
 * shared by every address space; region i lives at 512 GiB + i * 64 GiB.
 * Frames come from the pool above ABI_POOL_GPA: 4 KiB frames bump up from the bottom, 2 MiB frames down from
 * the top, and freed frames go on a free list threaded through their first word. */
#include "cpu.h"
#include "guest.h"

#define PTE_P  0x001ull
#define PTE_RW 0x002ull
#define PTE_US 0x004ull
#define PTE_PS 0x080ull
#define ADDR_MASK 0x000ffffffffff000ull
#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull
#define REGION_SPAN 0x1000000000ull /* 64 GiB per region */
#define REGION_BASE(i) (0x8000000000ull + (uint64_t)(i) * REGION_SPAN)
#define FLUSH_CEILING 33

struct region {
  uint64_t bytes;
  uint32_t mapped, huge, writable;
};

static struct region regions[ABI_MAX_REGIONS];
static uint64_t space_root[ABI_MAX_SPACES];
static uint32_t space_pid[ABI_MAX_SPACES];
static uint32_t nspaces, current;
static uint64_t next_4k, top_2m, free_4k, free_2m;

static uint64_t alloc_frame(int huge) {
  uint64_t f = 0;
  if (!huge && free_4k) { f = free_4k; free_4k = *(uint64_t *)f; }
  else if (huge && free_2m) { f = free_2m; free_2m = *(uint64_t *)f; }
  else if (!huge && next_4k + SZ_4K <= top_2m) { f = next_4k; next_4k += SZ_4K; }
  else if (huge && top_2m >= next_4k + SZ_2M) { top_2m -= SZ_2M; f = top_2m; }
  if (!f) guest_panic(0x200, "guest frame pool exhausted (give the VM more memory)", huge);
  if (!huge) memset((void *)f, 0, SZ_4K); /* page-table pages must start empty; 2 MiB frames are left as is */
  boot->frames_used++;
  return f;
}

static void free_frame(uint64_t f, int huge) {
  uint64_t *head = huge ? &free_2m : &free_4k;
  *(uint64_t *)f = *head;
  *head = f;
  boot->frames_used--;
}

void paging_init(void) {
  next_4k = ABI_POOL_GPA;
  top_2m = boot->mem_bytes & ~(SZ_2M - 1);
  space_root[0] = ABI_PML4_GPA; /* the host's tables are pid 1's address space */
  space_pid[0] = 1;
  nspaces = 1;
  current = 0;
}

static uint64_t *next_table(uint64_t *entry, int create) {
  if (*entry & PTE_P) return (uint64_t *)(*entry & ADDR_MASK);
  if (!create) return 0;
  uint64_t t = alloc_frame(0);
  *entry = t | PTE_P | PTE_RW | PTE_US; /* upper levels allow everything: the leaf decides */
  return (uint64_t *)t;
}

static uint64_t *leaf_slot(uint64_t root, uint64_t va, int huge, int create) {
  uint64_t *pdpt = next_table((uint64_t *)root + ((va >> 39) & 511), create);
  if (!pdpt) return 0;
  uint64_t *pd = next_table(pdpt + ((va >> 30) & 511), create);
  if (!pd) return 0;
  if (huge) return pd + ((va >> 21) & 511);
  uint64_t *pt = next_table(pd + ((va >> 21) & 511), create);
  return pt ? pt + ((va >> 12) & 511) : 0;
}

static struct region *region_of(uint64_t va, uint32_t *index) {
  if (va < REGION_BASE(0)) return 0;
  uint64_t i = (va - REGION_BASE(0)) / REGION_SPAN;
  if (i >= ABI_MAX_REGIONS || !regions[i].mapped || va - REGION_BASE(i) >= regions[i].bytes) return 0;
  *index = (uint32_t)i;
  return &regions[i];
}

int paging_fault(uint64_t cr2, uint64_t error) {
  uint32_t index;
  struct region *r = region_of(cr2, &index);
  if (!r) return 0;
  if ((error & 2) && !r->writable) { boot->protection_faults++; return 0; }
  uint64_t page = r->huge ? SZ_2M : SZ_4K;
  uint64_t va = cr2 & ~(page - 1);
  uint64_t *slot = leaf_slot(space_root[current], va, (int)r->huge, 1);
  if (*slot & PTE_P) { invlpg(va); return 1; } /* spurious: a stale TLB entry after a permission upgrade */
  *slot = alloc_frame((int)r->huge) | PTE_P | PTE_US | (r->writable ? PTE_RW : 0) | (r->huge ? PTE_PS : 0);
  boot->page_faults++;
  return 1;
}

typedef void (*leaf_fn)(uint64_t *entry, uint64_t va, void *ctx);

/* Visit the present leaves of region r in one address space, walking only present tables. */
static void for_each_leaf(uint64_t root, uint32_t index, leaf_fn fn, void *ctx) {
  const struct region *r = &regions[index];
  uint64_t base = REGION_BASE(index), end = base + r->bytes;
  uint64_t *pml4e = (uint64_t *)root + ((base >> 39) & 511);
  if (!(*pml4e & PTE_P)) return;
  uint64_t *pdpt = (uint64_t *)(*pml4e & ADDR_MASK);
  for (uint64_t v1 = base; v1 < end; v1 = (v1 & ~(SZ_1G - 1)) + SZ_1G) {
    uint64_t e3 = pdpt[(v1 >> 30) & 511];
    if (!(e3 & PTE_P)) continue;
    uint64_t *pd = (uint64_t *)(e3 & ADDR_MASK);
    uint64_t end2 = (v1 & ~(SZ_1G - 1)) + SZ_1G < end ? (v1 & ~(SZ_1G - 1)) + SZ_1G : end;
    for (uint64_t v2 = v1; v2 < end2; v2 = (v2 & ~(SZ_2M - 1)) + SZ_2M) {
      uint64_t *e2 = pd + ((v2 >> 21) & 511);
      if (!(*e2 & PTE_P)) continue;
      if (r->huge) { fn(e2, v2 & ~(SZ_2M - 1), ctx); continue; }
      uint64_t *pt = (uint64_t *)(*e2 & ADDR_MASK);
      uint64_t end1 = (v2 & ~(SZ_2M - 1)) + SZ_2M < end2 ? (v2 & ~(SZ_2M - 1)) + SZ_2M : end2;
      for (uint64_t v3 = v2 & ~(SZ_4K - 1); v3 < end1; v3 += SZ_4K) {
        uint64_t *e1 = pt + ((v3 >> 12) & 511);
        if (*e1 & PTE_P) fn(e1, v3, ctx);
      }
    }
  }
}

/* TLB invalidation after changing leaves of the current address space: INVLPG each up to the ceiling,
 * otherwise one CR3 reload (a non-global flush). */
struct flush_batch {
  uint64_t va[FLUSH_CEILING];
  uint64_t count;
  int huge, writable, current_space;
};

static void note_flush(struct flush_batch *b, uint64_t va) {
  if (!b->current_space) return;
  if (b->count < FLUSH_CEILING) b->va[b->count] = va;
  b->count++;
}

static void flush_batch(const struct flush_batch *b) {
  if (b->count > FLUSH_CEILING) {
    write_cr3(read_cr3());
    boot->full_flushes++;
    boot->cr3_writes++;
    return;
  }
  for (uint64_t i = 0; i < b->count; i++) invlpg(b->va[i]);
  boot->invlpgs += b->count;
}

static void clear_leaf(uint64_t *entry, uint64_t va, void *ctx) {
  struct flush_batch *b = ctx;
  free_frame(*entry & ADDR_MASK & (b->huge ? ~(SZ_2M - 1) : ~0ull), b->huge);
  *entry = 0;
  note_flush(b, va);
}

static void set_rw(uint64_t *entry, uint64_t va, void *ctx) {
  struct flush_batch *b = ctx;
  *entry = b->writable ? *entry | PTE_RW : *entry & ~PTE_RW;
  note_flush(b, va);
}

static void each_space(uint32_t index, leaf_fn fn, struct flush_batch *b) {
  for (uint32_t s = 0; s < nspaces; s++) {
    b->current_space = s == current;
    for_each_leaf(space_root[s], index, fn, b);
  }
  flush_batch(b);
}

uint32_t paging_unmap(uint32_t index) {
  if (index >= ABI_MAX_REGIONS || !regions[index].mapped) return ABI_ST_FAILED;
  struct flush_batch b = { .huge = (int)regions[index].huge };
  each_space(index, clear_leaf, &b);
  regions[index].mapped = 0;
  return ABI_ST_OK;
}

uint32_t paging_map(uint32_t index, uint64_t bytes, uint32_t page_size_code) {
  if (index >= ABI_MAX_REGIONS || bytes == 0 || bytes > REGION_SPAN) return ABI_ST_FAILED;
  if (regions[index].mapped) paging_unmap(index); /* mapping a name again replaces the old region */
  int huge = page_size_code != 0; /* 1 GiB pages are served as 2 MiB pages */
  uint64_t page = huge ? SZ_2M : SZ_4K;
  regions[index] = (struct region){ .bytes = (bytes + page - 1) & ~(page - 1), .mapped = 1, .huge = (uint32_t)huge,
                                    .writable = 1 };
  return ABI_ST_OK;
}

uint32_t paging_protect(uint32_t index, int writable) {
  if (index >= ABI_MAX_REGIONS || !regions[index].mapped) return ABI_ST_FAILED;
  regions[index].writable = (uint32_t)writable;
  struct flush_batch b = { .huge = (int)regions[index].huge, .writable = writable };
  each_space(index, set_rw, &b);
  return ABI_ST_OK;
}

uint32_t paging_touch(uint32_t index, uint32_t pattern, uint64_t accesses, int write, uint64_t stride) {
  if (index >= ABI_MAX_REGIONS || !regions[index].mapped) return ABI_ST_FAILED;
  const struct region *r = &regions[index];
  if (write && !r->writable) return ABI_ST_FAILED; /* would be SIGSEGV in a process */
  uint64_t page = r->huge ? SZ_2M : SZ_4K, pages = r->bytes / page, base = REGION_BASE(index);
  uint64_t x = ABI_TOUCH_SEED(accesses);
  for (uint64_t i = 0; i < accesses; i++) {
    uint64_t p = abi_touch_page(pattern, i, &x, pages, stride);
    volatile uint64_t *at = (volatile uint64_t *)(base + p * page + ((i * 64) & (page - 1)));
    if (write) *at = i;
    else (void)*at;
  }
  return ABI_ST_OK;
}

uint32_t paging_invlpg(uint32_t index, uint64_t count) {
  if (index >= ABI_MAX_REGIONS || !regions[index].mapped) return ABI_ST_FAILED;
  const struct region *r = &regions[index];
  uint64_t page = r->huge ? SZ_2M : SZ_4K, pages = r->bytes / page;
  for (uint64_t i = 0; i < count; i++) invlpg(REGION_BASE(index) + (i % pages) * page);
  boot->invlpgs += count;
  return ABI_ST_OK;
}

uint32_t paging_switch(uint32_t pid) {
  uint32_t s = 0;
  while (s < nspaces && space_pid[s] != pid) s++;
  if (s == nspaces) {
    if (nspaces == ABI_MAX_SPACES) return ABI_ST_FAILED;
    uint64_t root = alloc_frame(0);
    ((uint64_t *)root)[0] = ((uint64_t *)ABI_PML4_GPA)[0]; /* share the kernel half */
    space_root[s] = root;
    space_pid[s] = pid;
    nspaces++;
  }
  current = s;
  write_cr3(space_root[s]);
  boot->cr3_writes++;
  return ABI_ST_OK;
}
