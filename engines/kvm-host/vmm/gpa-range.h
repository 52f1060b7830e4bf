/* The one bounds check for a guest-provided range: [gpa, gpa + len) lies inside guest RAM of ram_bytes from 0,
 * computed without overflow. Kept free of struct vm so the virtqueue code (devices/virtqueue.c) can be tested
 * on plain memory. */
#ifndef HVBENCH_GPA_RANGE_H
#define HVBENCH_GPA_RANGE_H
#include <stdint.h>

static inline int gpa_in_ram(uint64_t ram_bytes, uint64_t gpa, uint64_t len) {
  return gpa <= ram_bytes && len <= ram_bytes - gpa;
}
#endif
