#ifndef HVBENCH_DISK_STORE_H
#define HVBENCH_DISK_STORE_H
#include <stdint.h>
#define DISK_STORE_BYTES (1u << 20)
/* copy len bytes between buf and the store at offset (wrapping); to_disk selects the direction */
void disk_copy(uint64_t offset, uint8_t *buf, uint64_t len, int to_disk);
#endif
