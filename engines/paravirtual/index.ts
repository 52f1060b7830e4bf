// The engine `xen`: the guest kernel on Xen — PV (x86-64, the default), or with `mode=hvm|pvh` in VMX non-root
// mode on the same VT-x/EPT machine as kvm (engines/xen-hvm/).
import type { Engine, EngineRunInput, OptionValue, RunCounters } from '../types.ts';
import type { CostProfile } from '../machine/profile.ts';
import { UsageError } from '../../harness/errors.ts';
import { checkIntegerOption } from '../integer-option.ts';
import { runGuest } from '../guest/run.ts';
import { XenPlatform } from './xen-platform.ts';
import { XenHvmPlatform } from '../xen-hvm/xen-hvm-platform.ts';
import type { BlkMode, NetMode } from './split-driver.ts';
import { XEN_POWER_OPTIONS } from '../power/engine-options.ts';

export const xenEngine: Engine = {
  id: 'xen',
  title: 'Xen (PV; HVM and PVH with mode=)',
  description: 'Xen paravirtualized x86-64 guest: hypercalls, direct paging with validated mmu_update and multicall batching, guest-kernel page-table switches on every syscall, split drivers with grants and event channels',
  mode: 'simulated',
  phases: true,
  options: [
    { name: 'mode', description: 'pv: paravirtualized guest (direct paging, hypercalls); hvm: VMX non-root with EPT, exits handled by Xen, PVHVM drivers, QEMU in Dom0 for emulated devices; pvh: HVM without a device model (PV drivers, PV timer and event channels). xpti, pcid, arch and batch apply to pv; io, pod and ipi to hvm and pvh', type: 'enum', values: ['pv', 'hvm', 'pvh'], default: 'pv' },
    { name: 'io', description: 'hvm/pvh: pv = blkfront/netfront over grants and event channels (the callback vector); emulated = QEMU\'s IDE and e1000 in Dom0, every register access an ioreq (hvm only: pvh has no device model)', type: 'enum', values: ['pv', 'emulated'], default: 'pv' },
    { name: 'pod', description: "hvm/pvh: populate-on-demand (xl's memory < maxmem): the p2m starts with PoD entries and the first touch of each 2 MiB block is an EPT_VIOLATION; off: the p2m is populated when the domain is built", type: 'enum', values: ['off', 'on'], default: 'off' },
    { name: 'ipi', description: "hvm/pvh: evtchn = Linux's PV IPIs (EVTCHNOP_send, delivered through the callback vector); apic = x2APIC ICR writes to Xen's virtual local APIC (a guest without Xen support, e.g. HyperBench's kernel)", type: 'enum', values: ['evtchn', 'apic'], default: 'evtchn' },
    { name: 'xpti', description: "Xen's xpti= (Meltdown mitigation): the guest runs on a per-CPU root table, CR3 switched on every entry to and exit from Xen; the default depends on the profile: off on AMD (not vulnerable), on elsewhere", type: 'enum', values: ['on', 'off'], default: 'on' },
    { name: 'pcid', description: "Xen's pcid= option: PCIDs keep the TLB across guest page-table switches (CR4.PGE then off); xpti = only for domains under XPTI (Xen's default), noxpti = only for the others; needs PCID+INVPCID", type: 'enum', values: ['xpti', 'off', 'on', 'noxpti'], default: 'xpti' },
    { name: 'arch', description: 'x86_64: the guest kernel in ring 3 with its own page table, every syscall through Xen; x86_32: the 2003 design (PAE, kernel in ring 1, Xen at the top of every address space behind segment limits (from 0xF5800000 under PAE; the top 64 MiB on the 2003 non-PAE Xen), syscalls by the fast trap table straight to the guest kernel); XPTI and PCIDs apply to 64-bit guests only', type: 'enum', values: ['x86_64', 'x86_32'], default: 'x86_64' },
    { name: 'batch', description: 'multicall batch size in lazy-MMU windows (Linux MC_BATCH = 32)', type: 'number', default: 32 },
    { name: 'blk', description: 'blkfront/blkback data path: persistent grants (mapped once, data copied by the front end; Linux 3.8+) or a grant map, unmap and TLB flush per request', type: 'enum', values: ['persistent', 'map'], default: 'persistent' },
    { name: 'net', description: "netback data path: GNTTABOP_copy on receive and batched map/unmap on transmit (today's netback), or a grant map, unmap and flush per request", type: 'enum', values: ['copy', 'map'], default: 'copy' },
    ...XEN_POWER_OPTIONS,
  ],
  availability: () => ({ available: true }),
  /** xpti's default (docs/misc/xen-command-line.pandoc): false on hardware known not to be vulnerable to
   *  Meltdown (AMD), true everywhere else */
  profileDefaults(profile: CostProfile): Record<string, OptionValue> {
    return { xpti: profile.vendor === 'amd' ? 'off' : 'on' };
  },
  checkOptions(options: Record<string, OptionValue>, profile: CostProfile): void {
    checkIntegerOption('xen', 'batch', options.batch, 1, 1024);
    if (options.pcid === 'on' && !profile.features.pcid) {
      throw new UsageError(`xen: pcid=on needs a CPU with PCID, which profile ${profile.id} lacks`);
    }
    if (options.mode !== 'pv' && options.mode !== undefined && options.pod === 'on' && !profile.features.ept) {
      throw new UsageError(`xen: pod=on needs EPT/NPT in this model (populate-on-demand under shadow paging is not modelled), which profile ${profile.id} lacks`);
    }
    if (options.mode === 'pvh' && options.io === 'emulated') {
      throw new UsageError('xen: io=emulated needs a device model, and a mode=pvh domain has none (PVH guests use PV drivers: io=pv)');
    }
  },
  run(input: EngineRunInput): RunCounters {
    const o = { ...this.profileDefaults!(input.profile), ...input.options };
    if (o.mode === 'hvm' || o.mode === 'pvh') {
      const hvm = new XenHvmPlatform(input.profile, {
        mode: o.mode,
        io: o.io === 'emulated' ? 'emulated' : 'pv',
        pod: o.pod === 'on',
        ipi: o.ipi === 'apic' ? 'apic' : 'evtchn',
        blk: (o.blk ?? 'persistent') as BlkMode,
        net: (o.net ?? 'copy') as NetMode,
      });
      return runGuest(hvm, input.ops, input.seed, input.trace);
    }
    // Xen applies XPTI and PCIDs to 64-bit PV domains only (pv_domain_initialise: !is_pv_32bit_domain(d))
    const pv64 = (o.arch ?? 'x86_64') === 'x86_64';
    const xpti = pv64 && o.xpti === 'on';
    const platform = new XenPlatform(input.profile, {
      pcid: pv64 && usesPcid(String(o.pcid ?? 'xpti'), xpti, input.profile),
      xpti,
      arch: pv64 ? 'x86_64' : 'x86_32',
      batch: Number(o.batch ?? 32),
      blk: (o.blk ?? 'persistent') as BlkMode,
      net: (o.net ?? 'copy') as NetMode,
    });
    return runGuest(platform, input.ops, input.seed, input.trace);
  },
};

/** pv_domain_initialise: whether the domain uses PCIDs — only with PCID and INVPCID, then by pcid=
 *  (docs/misc/xen-command-line.pandoc `pcid`: `xpti`, the default, for domains with XPTI active only,
 *  `noxpti` for the others, a boolean for all or none) */
function usesPcid(pcid: string, xpti: boolean, profile: CostProfile): boolean {
  if (!profile.features.pcid) return false;
  return pcid === 'on' || (pcid === 'xpti' && xpti) || (pcid === 'noxpti' && !xpti);
}
