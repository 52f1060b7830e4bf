/* The guest's own virtual memory: regions demand-faulted into 4-level page tables by a real #PF handler,
 * one set of tables per address space (CR3), unmap/mprotect with INVLPG per page up to Linux's 33-page
 * ceiling and one CR3 reload past it (docs/architecture.md#native). The kernel half (PML4 entry 0, the host's identity map) is
 * shared by every address space; region i lives at 512 GiB + i * 64 GiB, and each address space has its own
 * regions (a forked child starts with copies of its parent's, an exec'd one with none). Frames come from
 * frames.c; fork shares them copy-on-write, as Linux's copy_page_range does. */
#include "cpu.h"
#include "guest.h"

#define PTE_P  0x001ull
#define PTE_RW 0x002ull
#define PTE_US 0x004ull
#define PTE_A  0x020ull
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

/* an address space: its PML4 and its regions (the VMAs); processes refer to one by index (process.c) */
struct space {
  uint64_t root;
  struct region regions[ABI_MAX_REGIONS];
};

static struct space spaces[ABI_MAX_SPACES];
static struct space *cur;
static uint64_t kernel_half; /* PML4 entry 0: the host's identity map, linked into every address space */

/* whether the CPU offers PCIDs (CPUID.01H:ECX bit 17) and INVPCID (CPUID.(EAX=07H,ECX=0):EBX bit 10; Intel SDM
 * vol. 2A, CPUID). The guest switches address spaces without them (every CR3 write flushes the non-global
 * TLB), and says which it had, so a run on a CPU without them (QEMU 7.2's TCG emulates neither) is compared
 * with a simulated CPU without them. */
static void note_cpu_features(void) {
  uint32_t a, b, c, d;
  cpuid(1, &a, &b, &c, &d);
  if (c & (1u << 17)) boot->cpu_features |= ABI_CPU_PCID;
  cpuid(0, &a, &b, &c, &d);
  if (a < 7) return;
  cpuid(7, &a, &b, &c, &d);
  if (b & (1u << 10)) boot->cpu_features |= ABI_CPU_INVPCID;
}

void paging_init(void) {
  note_cpu_features();
  frames_init();
  spaces[0].root = ABI_PML4_GPA; /* the host's tables are pid 1's address space */
  kernel_half = ((uint64_t *)ABI_PML4_GPA)[0];
  cur = &spaces[0];
}

static uint64_t *next_table(uint64_t *entry, int create) {
  if (*entry & PTE_P) return (uint64_t *)(*entry & ADDR_MASK);
  if (!create) return 0;
  uint64_t t = frame_alloc(0);
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
  if (i >= ABI_MAX_REGIONS || !cur->regions[i].mapped || va - REGION_BASE(i) >= cur->regions[i].bytes) return 0;
  *index = (uint32_t)i;
  return &cur->regions[i];
}

/* #PF: a region page not yet present is demand-faulted (do_anonymous_page); a write to a present read-only page
 * of a writable region is a copy-on-write break after fork (wp_page_copy when the frame is still shared,
 * wp_page_reuse when this is its last mapping); anything else present was a stale TLB entry. */
int paging_fault(uint64_t cr2, uint64_t error) {
  uint32_t index;
  struct region *r = region_of(cr2, &index);
  if (!r) return 0;
  if ((error & 2) && !r->writable) { boot->protection_faults++; return 0; }
  uint64_t page = r->huge ? SZ_2M : SZ_4K;
  uint64_t va = cr2 & ~(page - 1);
  uint64_t *slot = leaf_slot(cur->root, va, (int)r->huge, 1);
  if (!(*slot & PTE_P)) {
    *slot = frame_alloc((int)r->huge) | PTE_P | PTE_US | (r->writable ? PTE_RW : 0) | (r->huge ? PTE_PS : 0);
    boot->page_faults++;
    return 1;
  }
  /* The fault itself dropped the faulting address's translations (Intel SDM Vol. 3 §4.10.4.1), so a spurious
   * fault and wp_page_reuse's upgrade need no INVLPG (flush_tlb_fix_spurious_fault is empty on x86); a copy
   * does, as ptep_clear_flush's flush_tlb_page: the old frame's entry may be cached again since the fault */
  if (!(error & 2) || (*slot & PTE_RW)) return 1;
  uint64_t old = *slot & ADDR_MASK & ~(page - 1);
  boot->cow_faults++;
  if (frame_refs(old) == 1) { *slot |= PTE_RW; return 1; }
  uint64_t frame = frame_alloc((int)r->huge);
  memcpy((void *)frame, (const void *)old, page);
  frame_put(old, (int)r->huge);
  *slot = frame | (*slot & ~ADDR_MASK) | PTE_RW;
  invlpg(va);
  boot->invlpgs++;
  return 1;
}

typedef void (*leaf_fn)(uint64_t *entry, uint64_t va, void *ctx);

/* Visit the present leaves of region `index` of an address space, walking only present tables. */
static void for_each_leaf(const struct space *sp, uint32_t index, leaf_fn fn, void *ctx) {
  const struct region *r = &sp->regions[index];
  uint64_t base = REGION_BASE(index), end = base + r->bytes;
  uint64_t *pml4e = (uint64_t *)sp->root + ((base >> 39) & 511);
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
  int huge, writable;
};

static void note_flush(struct flush_batch *b, uint64_t va) {
  if (b->count < FLUSH_CEILING) b->va[b->count] = va;
  b->count++;
}

static void flush_all(void) {
  write_cr3(read_cr3());
  boot->full_flushes++;
  boot->cr3_writes++;
}

static void flush_batch(const struct flush_batch *b) {
  if (b->count > FLUSH_CEILING) { flush_all(); return; }
  for (uint64_t i = 0; i < b->count; i++) invlpg(b->va[i]);
  boot->invlpgs += b->count;
}

static uint64_t leaf_frame(uint64_t entry, int huge) { return entry & ADDR_MASK & (huge ? ~(SZ_2M - 1) : ~0ull); }

static void clear_leaf(uint64_t *entry, uint64_t va, void *ctx) {
  struct flush_batch *b = ctx;
  frame_put(leaf_frame(*entry, b->huge), b->huge);
  *entry = 0;
  note_flush(b, va);
}

/* mprotect's change_pte_range: a page still shared after fork stays read-only, its COW break is still due */
static void set_rw(uint64_t *entry, uint64_t va, void *ctx) {
  struct flush_batch *b = ctx;
  int rw = b->writable && frame_refs(leaf_frame(*entry, b->huge)) == 1;
  *entry = rw ? *entry | PTE_RW : *entry & ~PTE_RW;
  note_flush(b, va);
}

uint32_t paging_unmap(uint32_t index) {
  if (index >= ABI_MAX_REGIONS || !cur->regions[index].mapped) return ABI_ST_FAILED;
  struct flush_batch b = { .huge = (int)cur->regions[index].huge };
  for_each_leaf(cur, index, clear_leaf, &b);
  flush_batch(&b);
  cur->regions[index].mapped = 0;
  return ABI_ST_OK;
}

/* where a region of the current address space lives, for another vCPU's flush (smp.c); 0 when it is not mapped */
int paging_region_span(uint32_t index, uint64_t *va, uint64_t *pages, uint64_t *page_bytes) {
  if (index >= ABI_MAX_REGIONS || !cur->regions[index].mapped) return 0;
  *page_bytes = cur->regions[index].huge ? SZ_2M : SZ_4K;
  *va = REGION_BASE(index);
  *pages = cur->regions[index].bytes / *page_bytes;
  return 1;
}

uint32_t paging_map(uint32_t index, uint64_t bytes, uint32_t page_size_code) {
  if (index >= ABI_MAX_REGIONS || bytes == 0 || bytes > REGION_SPAN) return ABI_ST_FAILED;
  if (cur->regions[index].mapped) paging_unmap(index); /* mapping a name again replaces the old region */
  int huge = page_size_code != 0; /* 1 GiB pages are served as 2 MiB pages */
  uint64_t page = huge ? SZ_2M : SZ_4K;
  cur->regions[index] = (struct region){ .bytes = (bytes + page - 1) & ~(page - 1), .mapped = 1,
                                         .huge = (uint32_t)huge, .writable = 1 };
  return ABI_ST_OK;
}

uint32_t paging_protect(uint32_t index, int writable) {
  if (index >= ABI_MAX_REGIONS || !cur->regions[index].mapped) return ABI_ST_FAILED;
  cur->regions[index].writable = (uint32_t)writable;
  struct flush_batch b = { .huge = (int)cur->regions[index].huge, .writable = writable };
  for_each_leaf(cur, index, set_rw, &b);
  flush_batch(&b);
  return ABI_ST_OK;
}

uint32_t paging_touch(uint32_t index, uint32_t pattern, uint64_t accesses, int write, uint64_t stride) {
  if (index >= ABI_MAX_REGIONS || !cur->regions[index].mapped) return ABI_ST_FAILED;
  const struct region *r = &cur->regions[index];
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
  if (index >= ABI_MAX_REGIONS || !cur->regions[index].mapped) return ABI_ST_FAILED;
  const struct region *r = &cur->regions[index];
  uint64_t page = r->huge ? SZ_2M : SZ_4K, pages = r->bytes / page;
  for (uint64_t i = 0; i < count; i++) invlpg(REGION_BASE(index) + (i % pages) * page);
  boot->invlpgs += count;
  return ABI_ST_OK;
}

/* ---- address spaces, for process.c ---------------------------------------------------------------------- */

/* pgd_alloc: a free slot gets a zeroed PML4 with the kernel half linked in and no regions; -1 when all
 * ABI_MAX_SPACES are in use */
int space_new(void) {
  for (int s = 0; s < (int)ABI_MAX_SPACES; s++) {
    if (spaces[s].root) continue;
    spaces[s] = (struct space){ .root = frame_alloc(0) };
    ((uint64_t *)spaces[s].root)[0] = kernel_half;
    return s;
  }
  return -1;
}

struct fork_copy {
  uint64_t child_root;
  uint32_t protected;
  int huge, writable;
};

/* copy_present_pte: a private writable page is write-protected in the parent and mapped read-only in the
 * child, both sharing the frame; the child's copy is old (pte_mkold) */
static void copy_leaf(uint64_t *entry, uint64_t va, void *ctx) {
  struct fork_copy *f = ctx;
  if (f->writable && (*entry & PTE_RW)) {
    *entry &= ~PTE_RW;
    f->protected++;
  }
  *leaf_slot(f->child_root, va, f->huge, 1) = *entry & ~PTE_A;
  frame_get(leaf_frame(*entry, f->huge));
}

/* dup_mmap: a new address space with the parent's regions, every present page shared copy-on-write; it ends
 * with flush_tlb_mm(oldmm) when parent entries lost their write permission. -1 when no slot is free. */
int space_fork(int parent) {
  int child = space_new();
  if (child < 0) return -1;
  struct space *p = &spaces[parent], *c = &spaces[child];
  struct fork_copy f = { .child_root = c->root };
  for (uint32_t i = 0; i < ABI_MAX_REGIONS; i++) {
    if (!p->regions[i].mapped) continue;
    c->regions[i] = p->regions[i];
    f.huge = (int)p->regions[i].huge;
    f.writable = (int)p->regions[i].writable;
    for_each_leaf(p, i, copy_leaf, &f);
  }
  if (f.protected && p == cur) flush_all();
  return child;
}

/* exit_mmap: every user page and page table of an address space goes, its PML4 last (unless it is the host's,
 * which is not in the pool). The kernel half (PML4 entry 0) is shared and stays. Not the loaded space: the
 * caller has switched away, so no TLB holds it. */
void space_free(int s) {
  smp_drop_space(spaces[s].root);
  uint64_t *pml4 = (uint64_t *)spaces[s].root;
  for (int i = 1; i < 512; i++) {
    if (!(pml4[i] & PTE_P)) continue;
    uint64_t *pdpt = (uint64_t *)(pml4[i] & ADDR_MASK);
    for (int j = 0; j < 512; j++) {
      if (!(pdpt[j] & PTE_P)) continue;
      uint64_t *pd = (uint64_t *)(pdpt[j] & ADDR_MASK);
      for (int k = 0; k < 512; k++) {
        if (!(pd[k] & PTE_P)) continue;
        if (pd[k] & PTE_PS) { frame_put(leaf_frame(pd[k], 1), 1); continue; }
        uint64_t *pt = (uint64_t *)(pd[k] & ADDR_MASK);
        for (int l = 0; l < 512; l++)
          if (pt[l] & PTE_P) frame_put(leaf_frame(pt[l], 0), 0);
        frame_put((uint64_t)pt, 0);
      }
      frame_put((uint64_t)pd, 0);
    }
    frame_put((uint64_t)pdpt, 0);
  }
  if (frame_in_pool(spaces[s].root)) frame_put(spaces[s].root, 0);
  spaces[s] = (struct space){ 0 };
}

/* switch_mm: load an address space (MOV CR3, no PCID: the whole non-global TLB goes) */
void space_load(int s) {
  cur = &spaces[s];
  write_cr3(cur->root);
  boot->cr3_writes++;
}

int space_loaded(void) { return (int)(cur - spaces); }
