/* Device work: block I/O to a disk (a file or block device, O_DIRECT so each request reaches the device
 * driver instead of the page cache; a record's requests in flight together by native AIO), datagrams over loopback UDP, and timer interrupts from a timerfd. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include "op-runner.h"

#define IO_BUFFER_MAX (1u << 20) /* the largest request moved whole; larger ones move this much (detail 1) */
#define UDP_MAX 65507u           /* IPv4's largest UDP payload */

static struct op_outcome ok(void) { return (struct op_outcome){ ABI_ST_OK, DETAIL_NONE, 0 }; }
static struct op_outcome sys_failed(void) { return (struct op_outcome){ ABI_ST_FAILED, DETAIL_ERRNO, errno }; }

static uint8_t *buf;

/* the buffer is faulted in before the first operation, so its first-touch faults belong to no io op */
void io_prepare(void) {
  if (posix_memalign((void **)&buf, 4096, IO_BUFFER_MAX) == 0) memset(buf, 0xa5, IO_BUFFER_MAX);
  else buf = NULL;
}

uint8_t *io_buffer(void) { return buf; }

/* a record's requests are submitted together (engines/types.ts: `requests` in flight at once), as fio's
 * libaio engine does: Linux native AIO with O_DIRECT queues them all in the block layer before the driver
 * sees the first, so a paravirtual front end can batch them on its ring. At most AIO_DEPTH at a time. */
#define AIO_DEPTH 64

static struct op_outcome disk_batch(int fd, int write, uint8_t *buf, uint64_t len, uint64_t slots, uint64_t first, unsigned n) {
  static struct iocb cbs[AIO_DEPTH];
  static struct io_event events[AIO_DEPTH];
  struct iocb *list[AIO_DEPTH];
  aio_context_t ctx = 0;
  if (syscall(SYS_io_setup, n, &ctx) < 0) return sys_failed();
  for (unsigned i = 0; i < n; i++) {
    cbs[i] = (struct iocb){ .aio_fildes = (uint32_t)fd, .aio_lio_opcode = write ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD,
                            .aio_buf = (uint64_t)(uintptr_t)buf, .aio_nbytes = len, .aio_offset = (int64_t)(((first + i) % slots) * len) };
    list[i] = &cbs[i];
  }
  struct op_outcome out = ok();
  long done = 0;
  if (syscall(SYS_io_submit, ctx, (long)n, list) != (long)n) out = sys_failed();
  else {
    while (done < (long)n) {
      long got = syscall(SYS_io_getevents, ctx, 1L, (long)n - done, events, NULL);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) { out = sys_failed(); break; }
      for (long e = 0; e < got; e++)
        if (events[e].res < 0) out = (struct op_outcome){ ABI_ST_FAILED, DETAIL_ERRNO, (int)-events[e].res };
      done += got;
    }
  }
  syscall(SYS_io_destroy, ctx);
  return out;
}

struct op_outcome io_disk(const char *path, int write, uint64_t bytes, uint64_t requests) {
  if (!path) return (struct op_outcome){ ABI_ST_SKIPPED, DETAIL_NO_DEVICE, 0 };
  uint8_t *buf = io_buffer();
  if (!buf) return (struct op_outcome){ ABI_ST_FAILED, DETAIL_ERRNO, ENOMEM };
  int fd = open(path, (write ? O_RDWR : O_RDONLY) | O_DIRECT | O_CLOEXEC);
  if (fd < 0) return sys_failed();
  off_t size = lseek(fd, 0, SEEK_END);
  /* O_DIRECT wants sector-aligned lengths and offsets */
  uint64_t len = bytes < IO_BUFFER_MAX ? bytes : IO_BUFFER_MAX;
  len = (len + 511) & ~511ull;
  uint64_t slots = size > 0 && (uint64_t)size >= len ? (uint64_t)size / len : 1;
  struct op_outcome out = ok();
  for (uint64_t r = 0; r < requests && out.status == ABI_ST_OK;) {
    unsigned n = requests - r < AIO_DEPTH ? (unsigned)(requests - r) : AIO_DEPTH;
    if (n == 1) {
      ssize_t done = write ? pwrite(fd, buf, len, (off_t)((r % slots) * len)) : pread(fd, buf, len, (off_t)((r % slots) * len));
      if (done < 0) out = sys_failed();
    } else {
      out = disk_batch(fd, write, buf, len, slots, r, n);
    }
    r += n;
  }
  close(fd);
  return out;
}

/* loopback UDP (no --net-peer: net-peer.c): no device is involved, only the network stack; both directions send and receive each
 * datagram (the receive keeps the socket buffer from filling) */
struct op_outcome io_net(int write, uint64_t bytes, uint64_t requests) {
  (void)write;
  uint8_t *buf = io_buffer();
  if (!buf) return (struct op_outcome){ ABI_ST_FAILED, DETAIL_ERRNO, ENOMEM };
  int rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t alen = sizeof addr;
  struct op_outcome out = ok();
  if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&addr, sizeof addr) < 0 ||
      getsockname(rx, (struct sockaddr *)&addr, &alen) < 0 || connect(tx, (struct sockaddr *)&addr, sizeof addr) < 0) {
    out = sys_failed();
  } else {
    size_t len = bytes < UDP_MAX ? bytes : UDP_MAX;
    for (uint64_t r = 0; r < requests; r++) {
      if (send(tx, buf, len, 0) < 0 || recv(rx, buf, IO_BUFFER_MAX, 0) < 0) {
        out = sys_failed();
        break;
      }
    }
  }
  if (rx >= 0) close(rx);
  if (tx >= 0) close(tx);
  return out;
}

struct op_outcome io_timer(uint32_t period_us, uint64_t ticks) {
  int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  if (fd < 0) return sys_failed();
  struct timespec period = { .tv_sec = period_us / 1000000, .tv_nsec = (long)(period_us % 1000000) * 1000 };
  struct itimerspec spec = { .it_interval = period, .it_value = period };
  if (period_us == 0 || timerfd_settime(fd, 0, &spec, NULL) < 0) {
    struct op_outcome out = period_us == 0 ? (struct op_outcome){ ABI_ST_FAILED, DETAIL_ERRNO, EINVAL } : sys_failed();
    close(fd);
    return out;
  }
  for (uint64_t seen = 0; seen < ticks;) {
    uint64_t expirations;
    if (read(fd, &expirations, sizeof expirations) != sizeof expirations) {
      if (errno == EINTR) continue;
      struct op_outcome out = sys_failed();
      close(fd);
      return out;
    }
    seen += expirations;
  }
  close(fd);
  return ok();
}
