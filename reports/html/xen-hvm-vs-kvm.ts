// Xen HVM beside KVM in report.html: the "How to read" paragraph on where they differ, and the exits by VMX
// reason of both (xenalyze prints Xen's under the same VMX names `perf kvm stat` prints KVM's), all from
// reports/xen-hvm-contrast.ts. Empty when the run lacks `kvm` or `xen:mode=hvm`.
import type { ResultsFile } from '../../harness/results.ts';
import { escapeHtml as h } from '../escape.ts';
import { formatCount, formatOverhead } from '../format.ts';
import { hvmContrast, type HvmContrast } from '../xen-hvm-contrast.ts';

const code = (s: string) => `<code>${h(s)}</code>`;

/** the two reasons whose counts differ most between the engines */
function differSentence(c: HvmContrast): string {
  const rows = [...c.exits].sort((a, b) => Math.abs(b.kvm - b.xen) - Math.abs(a.kvm - a.xen) || (a.reason < b.reason ? -1 : 1))
    .filter((r) => r.kvm !== r.xen).slice(0, 2);
  if (rows.length === 0) return '';
  return '; they differ most in ' + rows.map((r) => `${code(r.reason)} (${formatCount(r.kvm)} vs ${formatCount(r.xen)})`).join(' and ');
}

function deviceSentence(c: HvmContrast): string {
  const d = c.deviceModel;
  if (!d) return '';
  return ` <b>Where the device model lives</b>: on ${code(d.workload)} one ${h(d.unit)}, an access QEMU emulates, costs ` +
    `${formatCount(d.kvmPerOp)} cycles on ${h(c.kvm)}, where KVM_RUN returns to QEMU in the VM's own process, and ` +
    `${formatCount(d.xenPerOp)} on ${h(c.xen)}, where it is an ioreq to QEMU in Dom0: ${formatCount(d.ioreqs)} ioreqs, each ` +
    `an event channel and Xen's scheduler switching the CPU to Dom0 and back (${formatCount(d.domainSwitches)} domain ` +
    `switches), ${formatCount(d.ioreqPerOp)} cycles of each in that round trip.`;
}

function ioSentence(c: HvmContrast): string {
  const io = c.io;
  if (!io) return '';
  return ` <b>How I/O completes</b>: on ${code(io.workload)} ${h(c.kvm)} uses virtio (${formatCount(io.kvmNotifyExits)} notify ` +
    `exits caught in the kernel, the back end in the host, an irqfd interrupt) for ${h(formatOverhead(io.kvmOverheadPct))}; ` +
    `${h(c.xen)} uses the PVHVM drivers (${formatCount(io.xenEventChannel)} event-channel notifications, ` +
    `${formatCount(io.xenDomainSwitches)} switches to Dom0's back end and back, ${formatCount(io.xenGrantOps)} grant ` +
    `operations, completions through the callback vector) for ${h(formatOverhead(io.xenOverheadPct))}.`;
}

/** the "How to read" paragraph, or '' without both engines */
export function hvmParagraph(results: ResultsFile): string {
  const c = hvmContrast(results);
  if (!c) return '';
  return `<p><b>Xen HVM beside KVM</b> (${h(c.xen)} and ${h(c.kvm)}, the same VT-x/EPT machine model): the guest's ` +
    `sensitive instructions exit on both, <b>who handles an exit</b> differs — KVM in the host kernel, Xen in ` +
    `<code>vmx_vmexit_handler</code>. Over this run's measured phases ${h(c.kvm)} took ${formatCount(c.kvmExits)} exits and ` +
    `${h(c.xen)} ${formatCount(c.xenExits)}${differSentence(c)} (table "Xen HVM beside KVM").${deviceSentence(c)}${ioSentence(c)}</p>`;
}

/** the exits-by-reason table of both engines, or '' without both */
export function hvmExitTable(results: ResultsFile): string {
  const c = hvmContrast(results);
  if (!c || c.exits.length === 0) return '';
  const per = (v: number | null) => (v === null ? '—' : formatCount(v));
  const rows = c.exits.map((r) => `<tr><td>${code(r.reason)}</td><td class="num">${formatCount(r.kvm)}</td><td class="num">${per(r.kvmPerExit)}</td>` +
    `<td class="num">${formatCount(r.xen)}</td><td class="num">${per(r.xenPerExit)}</td></tr>`);
  return `<p class="muted">VM exits of every workload's measured phase by VMX reason, summed per engine; cycles per exit are ` +
    `those charged under <code>exit:&lt;reason&gt;</code> (the round trip, and the handler unless it is named apart, e.g. ` +
    `<code>ioreq</code>, <code>ept-violation</code>).</p>` +
    `<table class="exits"><thead><tr><th>VM-exit reason</th><th class="num">${h(c.kvm)} exits</th><th class="num">cycles/exit</th>` +
    `<th class="num">${h(c.xen)} exits</th><th class="num">cycles/exit</th></tr></thead><tbody>${rows.join('')}` +
    `<tr class="total"><td>Total</td><td class="num">${formatCount(c.kvmExits)}</td><td></td><td class="num">${formatCount(c.xenExits)}</td><td></td></tr></tbody></table>`;
}
