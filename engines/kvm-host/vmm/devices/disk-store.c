/* The backing store both block devices read and write: 1 MiB in VMM memory, addressed modulo its size so
 * that any guest-chosen sector is valid and no guest value can index past it. */
#include <string.h>
#include "disk-store.h"

static uint8_t store[DISK_STORE_BYTES];

void disk_copy(uint64_t offset, uint8_t *buf, uint64_t len, int to_disk) {
  while (len > 0) {
    uint64_t at = offset % DISK_STORE_BYTES;
    uint64_t chunk = DISK_STORE_BYTES - at < len ? DISK_STORE_BYTES - at : len;
    if (to_disk) memcpy(store + at, buf, chunk);
    else memcpy(buf, store + at, chunk);
    buf += chunk;
    offset += chunk;
    len -= chunk;
  }
}
