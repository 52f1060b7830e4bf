/* The virtio-blk queue's I/O thread and its two file descriptors into KVM, as kvmtool and QEMU wire a
 * virtio-pci device (kvmtool virtio/pci.c virtio_pci__init_ioeventfd, QEMU hw/virtio/virtio-pci.c):
 * - the guest's notify is an MMIO write to ABI_VIRTIO_NOTIFY_GPA, which has no memory slot; KVM_IOEVENTFD
 *   (api.rst 4.59) makes KVM complete that write in the kernel by signalling an eventfd (virt/kvm/eventfd.c
 *   ioeventfd_write), so it costs the guest one EPT_MISCONFIG (AMD: a reserved-bit NPF) handled in KVM and
 *   never a KVM_EXIT_MMIO. Length 0 matches any write width and also puts it on KVM's fast MMIO bus (Intel
 *   handle_ept_misconfig skips the instruction without decoding it), as QEMU registers modern virtio-pci's
 *   notify when KVM_CAP_IOEVENTFD_ANY_LENGTH is there.
 * - the completion is KVM_IRQFD (api.rst 4.75): writing the second eventfd makes KVM inject GSI
 *   ABI_VIRTIO_GSI, which KVM_SET_GSI_ROUTING (4.52) routes as an MSI, edge-triggered, fixed delivery of
 *   ABI_VIRTIO_VECTOR to APIC ID 0 (Intel SDM Vol. 3 §11.11 message address 0xfee00000 | dest << 12, data =
 *   vector). An MSI rather than an IOAPIC pin because Linux's virtio-pci takes MSI-X vectors whenever the
 *   device has them (virtio_pci_common.c vp_find_vqs tries MSI-X first), and an edge interrupt needs no EOI
 *   broadcast to the IOAPIC: its EOI can be KVM's PV EOI, where a level-triggered pin's exits (and would need a
 *   resample eventfd).
 * The thread sleeps in poll() on the notify eventfd, serves the queue (virtio-blk.c) and signals the irqfd;
 * a queue the guest corrupted ends the run with the reason. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "../vmm.h"

#define ABI_VIRTIO_GSI 24u /* the first GSI past the IOAPIC's 24 pins */
#define MSI_ADDRESS    0xfee00000u

static void signal_irqfd(void *ctx) {
  struct virtio_blk_dev *d = ctx;
  uint64_t one = 1;
  /* an eventfd write fails only when its counter would pass 2^64 - 2: KVM consumes it at every injection */
  ssize_t r = write(d->irq_fd, &one, sizeof one);
  (void)r;
}

static void *io_thread(void *p) {
  struct vm *vm = p;
  struct virtio_blk_dev *d = &vm->virtio;
  struct pollfd fds[2] = { { .fd = d->kick_fd, .events = POLLIN }, { .fd = d->stop_fd, .events = POLLIN } };
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents) break;
    uint64_t kicks;
    if (read(d->kick_fd, &kicks, sizeof kicks) != sizeof kicks) continue;
    struct virtio_blk_tally t = { 0 };
    int r = virtio_blk_serve(&d->q, &t, signal_irqfd, d);
    pthread_mutex_lock(&vm->lock);
    d->notifies += kicks;
    d->tally.requests += t.requests;
    d->tally.interrupts += t.interrupts;
    d->tally.interrupts_suppressed += t.interrupts_suppressed;
    if (r < 0 && !vm->failure) {
      vm->failure = d->q.error;
      vm->failure_exit = "MMIO";
    }
    int ended = vm->finished || vm->failure;
    pthread_mutex_unlock(&vm->lock);
    if (ended) {
      vcpu_kick(vm, NULL);
      break;
    }
  }
  return NULL;
}

static int fail(char *err, size_t errlen, const char *what) {
  snprintf(err, errlen, "%s: %s", what, strerror(errno));
  return -1;
}

int virtio_blk_start(struct vm *vm, char *err, size_t errlen) {
  struct virtio_blk_dev *d = &vm->virtio;
  if (virtq_init(&d->q, vm->mem, vm->mem_bytes) < 0) {
    snprintf(err, errlen, "%s", d->q.error);
    return -1;
  }
  d->kick_fd = eventfd(0, EFD_CLOEXEC);
  d->irq_fd = eventfd(0, EFD_CLOEXEC);
  d->stop_fd = eventfd(0, EFD_CLOEXEC);
  if (d->kick_fd < 0 || d->irq_fd < 0 || d->stop_fd < 0) return fail(err, errlen, "eventfd");
  int any_length = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IOEVENTFD_ANY_LENGTH) > 0;
  struct kvm_ioeventfd notify = { .addr = ABI_VIRTIO_NOTIFY_GPA, .len = any_length ? 0 : 2, .fd = d->kick_fd };
  if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &notify) < 0) return fail(err, errlen, "KVM_IOEVENTFD");
  static union {
    struct kvm_irq_routing r;
    uint8_t raw[sizeof(struct kvm_irq_routing) + sizeof(struct kvm_irq_routing_entry)];
  } routing;
  memset(&routing, 0, sizeof routing);
  routing.r.nr = 1;
  routing.r.entries[0] = (struct kvm_irq_routing_entry){
    .gsi = ABI_VIRTIO_GSI, .type = KVM_IRQ_ROUTING_MSI,
    .u.msi = { .address_lo = MSI_ADDRESS, .address_hi = 0, .data = ABI_VIRTIO_VECTOR },
  };
  if (ioctl(vm->vm_fd, KVM_SET_GSI_ROUTING, &routing.r) < 0) return fail(err, errlen, "KVM_SET_GSI_ROUTING");
  struct kvm_irqfd irqfd = { .fd = (uint32_t)d->irq_fd, .gsi = ABI_VIRTIO_GSI };
  if (ioctl(vm->vm_fd, KVM_IRQFD, &irqfd) < 0) return fail(err, errlen, "KVM_IRQFD");
  /* the watchdog's SIGALRM must reach vCPU 0's thread (watchdog.c): taken here, it would leave a halted vCPU 0
   * in KVM_RUN and the run would never end. The thread inherits the mask it is created with */
  sigset_t alarm, old;
  sigemptyset(&alarm);
  sigaddset(&alarm, SIGALRM);
  pthread_sigmask(SIG_BLOCK, &alarm, &old);
  int started = pthread_create(&d->thread, NULL, io_thread, vm) == 0;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (!started) {
    snprintf(err, errlen, "cannot start the virtio-blk I/O thread");
    return -1;
  }
  d->started = 1;
  return 0;
}

void virtio_blk_stop(struct vm *vm) {
  struct virtio_blk_dev *d = &vm->virtio;
  if (d->started) {
    uint64_t one = 1;
    if (write(d->stop_fd, &one, sizeof one) == sizeof one) pthread_join(d->thread, NULL);
    d->started = 0;
  }
  int *fds[] = { &d->kick_fd, &d->irq_fd, &d->stop_fd };
  for (size_t i = 0; i < sizeof fds / sizeof *fds; i++) {
    if (*fds[i] >= 0) close(*fds[i]);
    *fds[i] = -1;
  }
}
