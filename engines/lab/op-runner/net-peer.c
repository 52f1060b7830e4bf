/* Network operations against a peer on another host (--net-peer=IPv4), and that peer (--net-serve STREAM):
 * in xen-qemu's domU the operations cross netfront → netback to dom0, which runs the peer. Both ends read the
 * same operation stream, so no datagram but the workload's own crosses the link:
 *  - a write of n datagrams goes to the peer's PEER_PORT, which receives them;
 *  - a read right after a write (the next net operation, netperf's request and response) is the peer's answer:
 *    the peer sends it as soon as the write's last datagram arrived, and the read receives it;
 *  - any other read (the stream's first net operation, or one after a read) has nothing to answer, so it asks
 *    with one 1-byte pull datagram first.
 * The runner's socket lives for the whole run (at FD_NET, so an exec'd image keeps it), so an answer that
 * arrives while the write is still in its window waits in that socket for the read; the peer answers the
 * address its datagrams came from. The peer answers from dom0 as soon as it runs, which on
 * one CPU is while the domU's write is still in Xen's hands (its event-channel send woke dom0), so the answer's
 * netback work may fall in the write's window rather than the read's. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "op-runner.h"

#define UDP_MAX 65507u /* IPv4's largest UDP payload */
/* an answer may be queued whole before the receiver runs (UDP has no flow control): room for a record of the
 * largest datagrams, so none is dropped (SO_RCVBUFFORCE needs CAP_NET_ADMIN: root in both domains) */
#define PEER_RCVBUF (64 << 20)
/* a lost datagram fails the read instead of hanging the run */
#define PEER_TIMEOUT_S 60

static struct op_outcome failed(void) { return (struct op_outcome){ ABI_ST_FAILED, DETAIL_ERRNO, errno }; }

static int is_net(const struct abi_op *op) { return op->kind == OPK_IO && (op->flags & ABI_F_NET); }

/* whether net read i is the answer to the write before it */
static int answered(const struct abi_op *ops, uint32_t i) {
  while (i-- > 0)
    if (is_net(&ops[i])) return (ops[i].flags & ABI_F_WRITE) != 0;
  return 0;
}

static size_t datagram(uint64_t bytes) { return bytes < UDP_MAX ? (size_t)bytes : UDP_MAX; }

static int bound_socket(uint16_t port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int size = PEER_RCVBUF;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY) };
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int runner_fd = -1;

/* the runner's socket, connected to the peer: made before the first operation so no window holds its set-up.
 * It sits at FD_NET without close-on-exec: an exec'd image (proc_exec) takes it over, answers queued in it
 * included, while the processes forked before the exec still hold it too */
int peer_prepare(const char *peer, uint16_t port) {
  if (fcntl(FD_NET, F_GETFD) >= 0) { /* an exec'd image */
    runner_fd = FD_NET;
    return 0;
  }
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
  struct timeval timeout = { .tv_sec = PEER_TIMEOUT_S };
  if (inet_pton(AF_INET, peer, &addr.sin_addr) != 1) return -1;
  int fd = bound_socket(0);
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0 ||
      connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || dup2(fd, FD_NET) < 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  close(fd);
  runner_fd = FD_NET;
  return 0;
}

struct op_outcome peer_net(const struct abi_op *ops, uint32_t i) {
  const struct abi_op *op = &ops[i];
  uint8_t *buf = io_buffer();
  if (!buf || runner_fd < 0) return (struct op_outcome){ ABI_ST_FAILED, DETAIL_ERRNO, buf ? EBADF : ENOMEM };
  if (op->flags & ABI_F_WRITE) {
    for (uint64_t r = 0; r < op->b; r++)
      if (send(runner_fd, buf, datagram(op->c), 0) < 0) return failed();
  } else {
    if (!answered(ops, i) && send(runner_fd, buf, 1, 0) < 0) return failed();
    for (uint64_t r = 0; r < op->b; r++)
      if (recv(runner_fd, buf, UDP_MAX, 0) < 0) return failed();
  }
  return (struct op_outcome){ ABI_ST_OK, DETAIL_NONE, 0 };
}

/* the peer binds `port` (0: any free one) and says which on standard output before it receives anything, so
 * whoever starts it knows when a datagram can no longer be refused */
_Noreturn void peer_serve(const struct abi_op *ops, uint32_t count, uint16_t port) {
  static uint8_t data[UDP_MAX];
  int fd = bound_socket(port);
  struct sockaddr_in bound;
  socklen_t blen = sizeof bound;
  if (fd < 0 || getsockname(fd, (struct sockaddr *)&bound, &blen) < 0) {
    fprintf(stderr, "op-runner: --net-serve: UDP port %u: %s\n", port, strerror(errno));
    exit(2);
  }
  printf("op-runner serving udp %u\n", ntohs(bound.sin_port));
  fflush(stdout);
  struct sockaddr_in runner;
  socklen_t rlen = sizeof runner;
  for (uint32_t i = 0; i < count; i++) {
    const struct abi_op *op = &ops[i];
    if (!is_net(op)) continue;
    /* a write's datagrams, or the pull of a read that answers nothing */
    uint64_t incoming = (op->flags & ABI_F_WRITE) ? op->b : answered(ops, i) ? 0 : 1;
    for (uint64_t r = 0; r < incoming; r++) {
      rlen = sizeof runner;
      if (recvfrom(fd, data, sizeof data, 0, (struct sockaddr *)&runner, &rlen) < 0) { perror("op-runner: --net-serve"); exit(1); }
    }
    const struct abi_op *next = NULL;
    if (op->flags & ABI_F_WRITE)
      for (uint32_t j = i + 1; j < count && !next; j++)
        if (is_net(&ops[j])) next = &ops[j];
    const struct abi_op *reply = !(op->flags & ABI_F_WRITE) && !answered(ops, i) ? op
                                 : next && !(next->flags & ABI_F_WRITE) ? next : NULL;
    for (uint64_t r = 0; reply && r < reply->b; r++)
      if (sendto(fd, data, datagram(reply->c), 0, (struct sockaddr *)&runner, rlen) < 0) { perror("op-runner: --net-serve"); exit(1); }
  }
  exit(0);
}
