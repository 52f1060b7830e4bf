/* KVM binary statistics (api.rst 4.130 KVM_GET_STATS_FD): a file with a header, a descriptor block and a data
 * block. The names come from the descriptors the running kernel provides, never from a table of ours, so a
 * new kernel's counters show up without a code change. Only cumulative u64 counters are kept; they are read
 * before the run, at the end of setup (the guest's phase op) and after the run, and reported as deltas. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "vmm.h"

#define STATS_MAX_DESC 1024
#define STATS_MAX_NAME 256

struct stat_entry {
  char name[STATS_MAX_NAME];
  uint32_t offset; /* into the data block, in bytes */
  uint64_t at[STATS_POINTS];
};

struct stats_snapshot {
  int fd;
  uint32_t data_offset;
  size_t count;
  struct stat_entry *entries;
};

static int read_exact(int fd, void *buf, size_t len, off_t at) {
  return pread(fd, buf, len, at) == (ssize_t)len ? 0 : -1;
}

struct stats_snapshot *stats_open(int owner_fd) {
  int fd = ioctl(owner_fd, KVM_GET_STATS_FD, 0);
  if (fd < 0) return NULL;
  struct kvm_stats_header h;
  struct stats_snapshot *s = calloc(1, sizeof *s);
  uint8_t *desc_buf = NULL;
  if (!s || read_exact(fd, &h, sizeof h, 0) < 0 || h.num_desc > STATS_MAX_DESC || h.name_size > STATS_MAX_NAME ||
      h.name_size == 0)
    goto fail;
  size_t desc_size = sizeof(struct kvm_stats_desc) + h.name_size;
  desc_buf = malloc(desc_size * h.num_desc);
  s->entries = calloc(h.num_desc ? h.num_desc : 1, sizeof *s->entries);
  if (!desc_buf || !s->entries || read_exact(fd, desc_buf, desc_size * h.num_desc, h.desc_offset) < 0) goto fail;
  for (uint32_t i = 0; i < h.num_desc; i++) {
    const struct kvm_stats_desc *d = (const struct kvm_stats_desc *)(desc_buf + i * desc_size);
    if ((d->flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_CUMULATIVE || d->size != 1) continue;
    struct stat_entry *e = &s->entries[s->count++];
    memcpy(e->name, d->name, h.name_size);
    e->name[h.name_size - 1] = '\0';
    e->offset = d->offset;
  }
  free(desc_buf);
  s->fd = fd;
  s->data_offset = h.data_offset;
  return s;
fail:
  free(desc_buf);
  if (s) free(s->entries);
  free(s);
  close(fd);
  return NULL;
}

int stats_read(struct stats_snapshot *s, enum stats_point at) {
  for (size_t i = 0; i < s->count; i++) {
    uint64_t v;
    if (read_exact(s->fd, &v, sizeof v, (off_t)s->data_offset + s->entries[i].offset) < 0) return -1;
    s->entries[i].at[at] = v;
  }
  return 0;
}

void stats_print_deltas(const struct stats_snapshot *s, enum stats_point from, enum stats_point to,
                        void (*emit)(const char *, uint64_t, void *), void *ctx) {
  for (size_t i = 0; i < s->count; i++) emit(s->entries[i].name, s->entries[i].at[to] - s->entries[i].at[from], ctx);
}

void stats_close(struct stats_snapshot *s) {
  if (!s) return;
  close(s->fd);
  free(s->entries);
  free(s);
}
