// The scripts of xen-qemu's domU mode (engine option guest=domu): dom0 runs Xen's toolstack (xenstored,
// xenconsoled, xl) and boots a PV domU whose initramfs carries the op-runner and the operation stream; the
// domU's block I/O goes blkfront → blkback (a loop device over a file in dom0's memory), its network I/O
// netfront → netback to the op-runner's peer in dom0 (engines/lab/op-runner/net-peer.c) over a plain routed
// vif, no bridge. xentrace records Xen's PV class and its scheduler class: with the scheduler records
// xenalyze knows which domain runs, so a hypercall is dom0's (the back end) or the domU's (the front end).
// Results land in /tmp/out of dom0.
//
// Xen's trace classes (xen/include/public/trace.h): TRC_SCHED = 0x0002f000, TRC_PV = 0x0020f000.
export const TRC_SCHED_PV_MASK = '0x0022f000';
/** the domU's name and memory (the op-runner's 1 MiB I/O buffer and a 6.1 kernel fit in it) */
export const DOMU_NAME = 'hvb';
export const DOMU_MEMORY_MB = 192;
/** the disk blkback serves: a file in dom0's tmpfs on /dev/loop0; the op-runner wraps its offsets within it */
export const DOMU_DISK_MB = 64;
/** blkfront's virtual device: xvda is major 202, minor 0, so its xenstore node is vbd/51712 (202 << 8) */
export const DOMU_VBD = 51712;
/** the point-to-point link between the domU's eth0 and dom0's end of its vif; 00:16:3e is Xen's OUI */
export const DOMU_IP = '10.0.0.2';
export const DOM0_IP = '10.0.0.1';
export const DOMU_MAC = '00:16:3e:48:56:01';
/** netback gives every vif this address (drivers/net/xen-netback/interface.c xenvif_alloc: the largest
 *  non-broadcast one, FE:FF:FF:FF:FF:FF) */
export const NETBACK_MAC = 'fe:ff:ff:ff:ff:ff';

/**
 * The domU's /init: the front-end drivers, the run (its markers are forced-emulation CPUIDs: a domU's
 * privcmd refuses the empty mmuext_op dom0's runner makes, EPERM) with its
 * output kept in memory and printed only after the last operation (a console write during the run would wake
 * xenconsoled in dom0 inside a later operation's window), blkfront's completed requests before and after
 * (/sys/block/xvda/stat: reads completed, then writes completed at field 5, Documentation/block/stat.rst) and
 * eth0's packets sent and received. The link is configured by hand with permanent neighbour entries and no
 * IPv6, so nothing but the operations' own datagrams crosses it (no ARP, no neighbour discovery). The lines
 * go to the domU's console, which xenconsoled logs in dom0; the domain then waits for dom0 to read netback's
 * ring indexes (they go when the front end closes) and destroy it. The runner has no --privileged, so `pio`
 * operations are skipped: with it, ioperm succeeds in a PV domU (Linux hands Xen the I/O bitmap with
 * PHYSDEVOP_set_iobitmap) and Xen emulates every IN against that bitmap, all ones from a port the domain may
 * not reach (guest_io_read, xen/arch/x86/pv/emul-priv-op.c) — seen here: micro/pio-string's 1,000 rep insb ran
 * "ok" in 6,119 emulate privop traps, neither the model's domU (a #GP bounced to the kernel) nor a device.
 */
export function domuInit(modules: readonly string[]): string {
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
exec </dev/hvc0 >/dev/hvc0 2>&1
${modules.map((m) => `insmod /lab/modules/${m}.ko`).join('\n')}
n=0; while [ ! -b /dev/xvda ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
n=0; while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
ip link set eth0 up
ip addr add ${DOMU_IP}/24 dev eth0
arp -i eth0 -s ${DOM0_IP} ${NETBACK_MAC}
S=/sys/class/net/eth0/statistics
echo "hvbench xvda-before $(cat /sys/block/xvda/stat)"
echo "hvbench eth0-before $(cat $S/tx_packets) $(cat $S/rx_packets)"
op-runner --xen-cpuid-marker --disk=/dev/xvda --net-peer=${DOM0_IP} /lab/stream.bin > /tmp/runner.txt 2>/tmp/runner.err
echo "hvbench runner-status $?"
echo "hvbench xvda-after $(cat /sys/block/xvda/stat)"
echo "hvbench eth0-after $(cat $S/tx_packets) $(cat $S/rx_packets)"
cat /tmp/runner.txt
tail -3 /tmp/runner.err
echo "hvbench domu-done"
sleep 600
poweroff -f
`;
}

/**
 * libxl's block hotplug script, reduced to what a `phy` target needs (tools/hotplug/Linux/block writes the
 * same nodes): the backend's physical-device (major:minor, which blkback opens) and `hotplug-status
 * connected`, which xl waits for before it unpauses the domain.
 */
export const HOTPLUG_BLOCK = `#!/bin/sh
dev=$(xenstore-read "$XENBUS_PATH/params")
if [ "$1" = add ]; then
  xenstore-write "$XENBUS_PATH/physical-device" "$(stat -L -c '%t:%T' "$dev")"
  xenstore-write "$XENBUS_PATH/physical-device-path" "$dev"
fi
xenstore-write "$XENBUS_PATH/hotplug-status" connected
`;

/**
 * libxl's vif hotplug script for a plain routed link (tools/hotplug/Linux/vif-route does the same with more
 * options): netback's interface vif<domid>.<devid> up with dom0's address and a permanent neighbour entry for
 * the domU, then `hotplug-status connected`.
 */
export const HOTPLUG_VIF = `#!/bin/sh
d=\${XENBUS_PATH%/*}
dev=vif\${d##*/}.\${XENBUS_PATH##*/}
case "$1" in online|add)
  ip link set dev $dev up
  ip addr add ${DOM0_IP}/24 dev $dev
  arp -i $dev -s ${DOMU_IP} ${DOMU_MAC}
  xenstore-write "$XENBUS_PATH/hotplug-status" connected;;
esac
exit 0
`;

/** xl's domain configuration (xl.cfg(5)); the ramdisk is given on xl's command line per run */
export const DOMU_CONFIG = `name = "${DOMU_NAME}"
type = "pv"
kernel = "/lab/domu/vmlinuz"
extra = "console=hvc0 loglevel=1 no_timer_check ipv6.disable=1"
memory = ${DOMU_MEMORY_MB}
vcpus = 1
on_poweroff = "preserve"
on_crash = "preserve"
disk = [ 'format=raw,vdev=xvda,access=rw,script=/lab/domu/block,target=/dev/loop0' ]
vif = [ 'mac=${DOMU_MAC},script=/lab/domu/vif' ]
`;

/**
 * dom0's side, once per boot: the back-end modules, xenstored, dom0's own xenstore entries (xen-init-dom0),
 * xenconsoled logging the domU's console to /tmp/cons, the disk, and no IPv6 on the vifs to come.
 */
const SETUP = `[ -e /var/run/hvb-toolstack ] && return 0
for m in $(cat /lab/dmods/order); do insmod /lab/dmods/$m.ko || return 1; done
mkdir -p /var/run/xenstored /var/lib/xenstored /var/lib/xen /var/log/xen /var/run/xen /etc/xen /tmp/cons /dev/pts
mount -t devpts devpts /dev/pts
xenstored --pid-file /var/run/xenstored.pid || return 1
n=0; until xenstore-read /local >/dev/null 2>&1 || [ $n -ge 60 ]; do sleep 0.5; n=$((n+1)); done
xen-init-dom0 >/dev/null || return 1
xenconsoled --log=guest --log-dir=/tmp/cons || return 1
dd if=/dev/zero of=/tmp/disk.img bs=1M count=${DOMU_DISK_MB} 2>/dev/null
losetup /dev/loop0 /tmp/disk.img || return 1
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
touch /var/run/hvb-toolstack`;

/**
 * A line of xenalyze's dump that may be the op-runner's first marker: a forced-emulation CPUID whose address has
 * an upper word of at most four hex digits (a user address; the kernels' own have ffffffff). The dump is sent
 * from the first such line on: xenalyze-domains.ts counts only records between markers, and before the first
 * one it keeps nothing but the last domain seen, which the marker's own record sets. What comes before is
 * xl building the domain and the domU's boot: in a run of two disk reads 520,000 of the dump's 544,000 lines,
 * whose rewriting (sed under TCG) and crossing of the serial line took about 17 s. The first line matching
 * is at or before the parser's first marker (this pattern takes every address the parser takes, and more),
 * so what it counts is unchanged; grep -F picks the few forced_invalid_op lines first, cheaper than a regular
 * expression on every line.
 */
export const FIRST_MARKER = 'forced_invalid_op\\[ [0-9a-f]+ [0-9a-f]{1,4} \\]';

/**
 * The run, in dom0: `run.sh STREAM_CPIO_GZ TIMEOUT_S`. The stream's cpio is appended to the domU's initramfs
 * (Linux unpacks concatenated archives, init/initramfs.c), and the op-runner's network peer reads the same
 * stream in dom0 (engines/lab/op-runner/net-peer.c); it ends with the stream's last net operation. xentrace
 * starts before xl create so the domU's whole life is in the trace; the windows of its operations are found
 * by its markers. With on_poweroff = "preserve" a dead domain keeps its back end's xenstore nodes, so the
 * negotiated features can be read before xl destroys it (blkback's own statistics read zero once the front end has closed: blkfront's
 * counts, printed by the domU, are the ones kept). netback's ring indexes (debugfs, CONFIG_DEBUG_FS:
 * drivers/net/xen-netback/xenbus.c xenvif_read_io_ring) are read while the domU waits after its last line.
 * Results: runner.txt (the domU's console), xen.gz, vbd.txt, vif.txt. xen.gz is xenalyze's dump from the first
 * operation's marker on (FIRST_MARKER), with any lost-record line kept from before it.
 */
export const DOMU_SCRIPT = `#!/bin/sh
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu
O=/tmp/out
rm -rf $O; mkdir -p $O
setup() {
${SETUP}
}
setup || { echo "toolstack setup failed" >&2; exit 3; }
gunzip -c "$1" | cat /lab/domu/initrd - > /tmp/domu-initrd
rm -rf /tmp/peer; mkdir -p /tmp/peer
gunzip -c "$1" | (cd /tmp/peer && cpio -i -d 2>/dev/null)
op-runner --net-serve /tmp/peer/lab/stream.bin </dev/null >/dev/null 2>$O/peer.err &
NS=$!
rm -f /tmp/cons/guest-${DOMU_NAME}.log
xentrace -D -e ${TRC_SCHED_PV_MASK} -S 2048 /tmp/xen.trc </dev/null >/dev/null 2>&1 &
XT=$!
sleep 1
xl create /lab/domu/domu.cfg 'ramdisk="/tmp/domu-initrd"' > $O/xl.txt 2>&1 || { kill -INT $XT; cat $O/xl.txt >&2; exit 4; }
n=0
until grep -q 'hvbench domu-done' /tmp/cons/guest-${DOMU_NAME}.log 2>/dev/null; do
  sleep 1; n=$((n+1))
  [ $n -ge "$2" ] && { kill -INT $XT; tail -5 /tmp/cons/guest-${DOMU_NAME}.log >&2; echo "the domU did not finish within $2 s" >&2; exit 5; }
done
D=$(xl domid ${DOMU_NAME})
cat /sys/kernel/debug/xen-netback/vif$D.0/io_ring_q0 > $O/vif.txt 2>&1
# the domU idles after its last line; xentrace takes the last records at its next polls
sleep 3
kill -INT $XT; wait $XT
kill $NS 2>/dev/null
B=/local/domain/0/backend/vbd/$D/${DOMU_VBD}
{
  echo "backend-feature-persistent $(xenstore-read $B/feature-persistent)"
  echo "frontend-feature-persistent $(xenstore-read $(xenstore-read $B/frontend)/feature-persistent)"
} > $O/vbd.txt 2>&1
xl destroy ${DOMU_NAME} >/dev/null 2>&1
tr -d '\\r' < /tmp/cons/guest-${DOMU_NAME}.log > $O/runner.txt
xenalyze --dump-all /tmp/xen.trc > /tmp/xen.txt 2>/dev/null
rm -f /tmp/xen.trc
N=$(grep -n -F forced_invalid_op /tmp/xen.txt | grep -m 1 -E '${FIRST_MARKER}' | cut -d: -f1)
{ grep -F lost_record /tmp/xen.txt; tail -n +\${N:-1} /tmp/xen.txt; } | sed -E \\
  -e 's/^ *[0-9.]+ //' -e '/forced_invalid_op/!s/\\[.*\\]/[]/' -e 's/^([^ ]+ d[0-9]+v[0-9]+ +ptwr) .*/\\1/' | gzip -c > $O/xen.gz
rm -f /tmp/xen.txt
exit 0
`;
