// The /init of a lab image: busybox's shell mounts the pseudo file systems, runs the image's own setup lines
// (loading modules, say), then hands the console to the agent (console-protocol.ts). A setup line that
// fails is reported on the console and the agent still starts, so the host sees the failure as a reply to
// its first command rather than as a boot that never ends.
import { AGENT_SCRIPT } from './console-protocol.ts';

export const BUSYBOX_PATH = '/bin/busybox';

export function initScript(setup: string[]): string {
  return `#!${BUSYBOX_PATH} sh
${BUSYBOX_PATH} --install -s /bin
export PATH=/bin:/sbin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
exec < /dev/console > /dev/console 2>&1
${setup.map((line) => `${line} || echo "lab setup failed: ${line.replace(/["$`\\]/g, '\\$&')}"`).join('\n')}
${AGENT_SCRIPT}
hvb_agent
poweroff -f
`;
}

/** the directories every lab image has, busybox's included (the init script also creates the mount points) */
export const BASE_DIRS = ['bin', 'sbin', 'proc', 'sys', 'dev', 'tmp', 'lab'];
