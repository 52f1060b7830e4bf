// The time-stepped simulation of one (scenario, engine, policy): every millisecond, arrivals wake vCPUs,
// each physical CPU's scheduler hands out the millisecond at the CPU's current P-state, energy is
// integrated, and the governors (host, and guests where the policy lets them) pick the next P-states. The
// hardware grants a P-state request as it is, except that P0 turbos with the host's turbo on (to the limit for
// the cores active in the last step) and a package power limit may hold every core slower.
// All state is allocated before the loop; the loop itself allocates nothing.
import type { DemandTrace, PowerEngine, PowerPolicyId, PowerProfile, PowerRun, PowerScenario, PowerVmResult } from './types.ts';
import type { VcpuScheduler } from './schedulers/scheduler.ts';
import type { Governor } from './governors/governor.ts';
import { EPS } from './schedulers/scheduler.ts';
import { createSchedulers } from './schedulers/create.ts';
import { createGovernor } from './governors/create.ts';
import { ONDEMAND_DEFAULTS, xenOndemandTunables } from './governors/ondemand.ts';
import { EnergyMeter } from './energy.ts';
import { VmDemand, ENTITLEMENT_WINDOW_MS } from './demand.ts';
import { planFor } from './policies.ts';
import { jainIndex } from './fairness.ts';
import { VpmLocalRules, VPM_PERIOD_MS } from './vpm.ts';
import { CpuIdle, cStatesOf } from './idle.ts';
import { OperatingPoints } from './operating-points.ts';
import { RaplLimiter } from './rapl.ts';

/** the simulation's fixed time step, ms: fine enough for 10 ms ticks and samples, coarse enough to be fast */
export const STEP_MS = 1;
const FREQ_BUCKET_MS = 100;
/** the zoomed frequency window: 200 steps from 1 s in (past the start-up), ten Xen ondemand samples */
const ZOOM_FROM_MS = 1000;
const ZOOM_STEPS = 200;
/** credit1's tick and credit2's budget period: when a vCPU waiting for credit or budget is reconsidered (a
 * throttled CFS group can wait its whole 100 ms period, which this prediction then underestimates) */
const SCHED_TIMER_MS = 10;
/** a step needs at most a few scheduling decisions; more means a scheduler stopped making progress */
const MAX_DECISIONS_PER_STEP = 64;

export interface SimulationInput {
  scenario: PowerScenario;
  traces: readonly DemandTrace[];
  profile: PowerProfile;
  /** the design and the options it runs with (engine-options.ts; defaultPowerEngine for a bare `xen` or `kvm`) */
  engine: PowerEngine;
  policy: PowerPolicyId;
  /** when the ondemand sampling timers are armed, ms after the start (governors/ondemand.ts) */
  phaseMs?: number;
}

export function simulatePower({ scenario, traces, profile, engine, policy, phaseMs = 0 }: SimulationInput): PowerRun {
  const design = engine.design;
  const plan = planFor(policy, engine);
  const states = profile.pStates;
  const fmax = states[0].mhz;
  const nCpu = scenario.cpus;
  const vms = scenario.vms;
  const nVm = vms.length;
  const duration = scenario.durationMs;
  const nHost = scenario.hosts ?? 1;
  const perHost = nCpu / nHost;
  // a server none of whose CPUs has a VM is powered off: it draws nothing
  const hostOn = new Uint8Array(nHost);
  for (const vm of vms) hostOn[Math.floor(vm.cpu / perHost)] = 1;
  const poweredCpus = hostOn.reduce((n, on) => n + on, 0) * perHost;
  const platformJ = (hostOn.reduce((n, on) => n + on, 0) * (scenario.platformWattsPerHost ?? 0) * duration) / 1000;
  const packageBusy = new Float64Array(nHost);

  const members: number[][] = Array.from({ length: nCpu }, () => []);
  const local = new Int32Array(nVm);
  vms.forEach((vm, v) => {
    local[v] = members[vm.cpu].length;
    members[vm.cpu].push(v);
  });
  const scheduler = design === 'xen' ? engine.xenScheduler : 'cfs';
  const scheds: VcpuScheduler[] = createSchedulers(scheduler, vms, members, plan.dvfsAware);
  const host = plan.host;
  // Xen's ondemand runs in the hypervisor with Xen's tunables; Dom0 (cpufreq=dom0-kernel) and guests run Linux's
  const hostOndemand = engine.cpufreq === 'xen' ? xenOndemandTunables(profile, phaseMs) : { ...ONDEMAND_DEFAULTS, phaseMs };
  const guestOndemand = { ...ONDEMAND_DEFAULTS, phaseMs };
  const hostGovs: Governor[] | null = host === 'vpm' ? null : members.map(() => createGovernor(host, profile, { ondemand: hostOndemand, epp: engine.epp }));
  const guestGovs: Governor[] | null = plan.guest === 'none' ? null : vms.map(() => createGovernor(plan.guestGovernor, profile, { ondemand: guestOndemand }));
  const demand = vms.map((vm, v) => new VmDemand(traces[v], vm.booked, vm.deadlineMs));
  const vpm = host === 'vpm' ? new VpmLocalRules(profile, vms, members, local) : null;

  const pIdx = new Int32Array(nCpu); // firmware hands over at P0
  const stall = new Float64Array(nCpu);
  const busyMs = new Float64Array(nCpu);
  const guestIdx = new Int32Array(nVm);
  const pending = new Uint8Array(nVm);
  const lastVcpu = new Int32Array(nCpu).fill(-1);
  const switchedIn = new Uint8Array(nCpu);
  const vpmActive = new Uint8Array(nVm);
  const ranMs = new Float64Array(nVm);
  const buckets = Math.ceil(duration / FREQ_BUCKET_MS);
  const mhzSum = members.map(() => new Float64Array(buckets));
  const zoomFrom = duration > ZOOM_FROM_MS ? ZOOM_FROM_MS : 0;
  const zoom = new Float64Array(Math.max(0, Math.min(ZOOM_STEPS, Math.floor((duration - zoomFrom) / STEP_MS))));
  // the PCU sees the cores in C0 over its last evaluation: here the last step (estimate of its interval)
  const ops = new OperatingPoints(profile, scenario.turbo === true, nCpu);
  const points = ops.points;
  const rapl = scenario.rapl ? new RaplLimiter(scenario.rapl, points.length - 1) : null;
  const opIdx = Int32Array.from({ length: nCpu }, () => ops.ofPState(0));
  const grantedFor = new Int32Array(nCpu); // the P-state request opIdx was granted for
  const residencyMs = new Float64Array(points.length);
  const meter = new EnergyMeter(profile, points);
  const transitionMs = profile.transitionLatencyUs / 1000;
  let throttledMs = 0;
  let transitions = 0;
  let guestRequests = 0;
  let availableWork = 0;

  // KVM's host polls a halting vCPU before it sleeps; Xen's idle vCPU enters the C-state (idle.ts)
  const cStates = cStatesOf(profile);
  const idle = members.map(() => new CpuIdle(cStates, design === 'kvm' && engine.haltPoll));
  /** the next event on CPU c after `atMs`: a request arriving, or its scheduler's 10 ms timer if a vCPU waits */
  const nextEventMs = (c: number, atMs: number): number => {
    let next = Infinity;
    const onCpu = members[c];
    for (let k = 0; k < onCpu.length; k++) {
      const v = onCpu[k];
      next = Math.min(next, demand[v].nextArrivalMs());
      if (demand[v].backlog > EPS) next = Math.min(next, (Math.floor(atMs / SCHED_TIMER_MS) + 1) * SCHED_TIMER_MS);
    }
    return next - atMs;
  };

  const setPState = (c: number, i: number): void => {
    if (i === pIdx[c]) return;
    pIdx[c] = i;
    transitions++;
    stall[c] += transitionMs; // the core does not execute while the PLL relocks and the voltage settles
  };

  for (let t = 0; t < duration; t += STEP_MS) {
    for (let c = 0; c < nCpu; c++) scheds[c].tick(t);
    for (let v = 0; v < nVm; v++) if (demand[v].arrive(t)) scheds[vms[v].cpu].wake(local[v], t);
    ranMs.fill(0);
    switchedIn.fill(0);
    packageBusy.fill(0);
    let activeBefore = 0;
    for (let c = 0; c < nCpu; c++) if (busyMs[c] > EPS) activeBefore++;
    const energyBefore = meter.energyJ;

    for (let c = 0; c < nCpu; c++) {
      const sched = scheds[c];
      // this core counts as active whether or not it was in the last step
      const requested = ops.granted(pIdx[c], busyMs[c] > EPS ? activeBefore : activeBefore + 1);
      const op = rapl !== null && rapl.ceiling > requested ? rapl.ceiling : requested;
      if (op !== requested) throttledMs += STEP_MS;
      if (op !== opIdx[c]) {
        // a change the OS asked for was counted and stalled by setPState; one the hardware makes on its own
        // (a turbo limit, the power limit) stalls the core the same way
        if (grantedFor[c] === pIdx[c]) {
          transitions++;
          stall[c] += transitionMs;
        }
        opIdx[c] = op;
      }
      grantedFor[c] = pIdx[c];
      const rate = points[op].mhz / fmax;
      const stalled = Math.min(stall[c], STEP_MS);
      stall[c] -= stalled;
      const avail = STEP_MS - stalled;
      let used = 0;
      let exited = 0;
      for (let decisions = 0; avail - used > EPS; decisions++) {
        if (decisions === MAX_DECISIONS_PER_STEP) throw new Error(`power: scheduler on CPU ${c} made no progress at ${t} ms`);
        const l = sched.pick(t + used);
        if (l < 0) break;
        // leaving a C-state: the core executes nothing until it is out
        const exit = idle[c].wake();
        if (exit > 0) {
          const waking = Math.min(exit, avail - used);
          used += waking;
          stall[c] += exit - waking;
          exited += waking;
          if (avail - used <= EPS) break;
        }
        const v = members[c][l];
        if (v !== lastVcpu[c]) {
          lastVcpu[c] = v;
          switchedIn[c] = 1;
        }
        const run = Math.min(avail - used, demand[v].backlog / rate, sched.budgetMs(l, rate));
        const drained = demand[v].serve(run * rate, t + used, rate);
        used += run;
        sched.charge(l, run, rate, t + used);
        ranMs[v] += run;
        if (drained) sched.block(l);
      }
      busyMs[c] = used + stalled;
      if (STEP_MS - busyMs[c] > EPS) busyMs[c] += idle[c].rest(STEP_MS - busyMs[c], nextEventMs(c, t + busyMs[c]));
      const h = Math.floor(c / perHost);
      if (hostOn[h]) meter.add(op, busyMs[c], STEP_MS, idle[c].watts);
      residencyMs[op] += STEP_MS;
      availableWork += (avail - exited) * rate;
      mhzSum[c][Math.floor(t / FREQ_BUCKET_MS)] += points[op].mhz * STEP_MS;
      const z = (t - zoomFrom) / STEP_MS;
      if (c === 0 && z >= 0 && z < zoom.length) zoom[z] = points[op].mhz;
      if (busyMs[c] > packageBusy[h]) packageBusy[h] = busyMs[c];
    }
    // every CPU executes from the start of the step, so a server's CPUs are idle together after its busiest one stops
    for (let h = 0; h < nHost; h++) if (hostOn[h]) meter.packageIdle(perHost, STEP_MS - packageBusy[h]);
    if (rapl !== null) rapl.step(((meter.energyJ - energyBefore) * 1000) / STEP_MS, STEP_MS);

    if (hostGovs !== null) {
      for (let c = 0; c < nCpu; c++) {
        // Dom0's governor measures Dom0's vCPU on this CPU, which these scenarios give no work: it is blocked
        // while the domUs run, and a blocked vCPU is idle time to Dom0's kernel
        const seen = plan.hostSees === 'dom0' ? 0 : busyMs[c];
        let next = hostGovs[c].step(seen, STEP_MS, pIdx[c], points[opIdx[c]].mhz);
        if (plan.guest === 'floor') {
          // virtual-cpufreq: the request in force for the vCPU that ran is a floor under the host's choice
          // (schedutil's max(uclamp_min, util)); a request the guest makes in this step is in force from the next
          const v = lastVcpu[c];
          const want = next >= 0 ? next : pIdx[c];
          if (v >= 0 && ranMs[v] > 0 && guestIdx[v] < want) next = guestIdx[v];
        }
        if (next >= 0) setPState(c, next);
      }
    }

    if (guestGovs !== null) {
      for (let v = 0; v < nVm; v++) {
        const guestBusy = demand[v].backlog > EPS ? STEP_MS : ranMs[v];
        const next = guestGovs[v].step(guestBusy, STEP_MS, guestIdx[v]);
        if (next >= 0) {
          guestIdx[v] = next;
          guestRequests++;
          pending[v] = 1;
        }
        if (guestBusy > 0) vpmActive[v] = 1;
      }
      if (plan.guest === 'direct') {
        // the guest's PERF_CTL value is part of its vCPU state: it reaches the hardware when the guest writes it
        // while running, and again each time the hypervisor switches that vCPU back in
        for (let c = 0; c < nCpu; c++) {
          const v = lastVcpu[c];
          if (v < 0 || ranMs[v] === 0 || !(switchedIn[c] || pending[v])) continue;
          setPState(c, guestIdx[v]);
          pending[v] = 0;
        }
      }
    }

    if (vpm !== null && (t + STEP_MS) % VPM_PERIOD_MS === 0) {
      vpm.apply(guestIdx, vpmActive, scheds, setPState);
      vpmActive.fill(0);
    }

    if ((t + STEP_MS) % ENTITLEMENT_WINDOW_MS === 0) for (let v = 0; v < nVm; v++) demand[v].closeWindow(ENTITLEMENT_WINDOW_MS);
  }
  const tail = duration % ENTITLEMENT_WINDOW_MS;
  for (const d of demand) {
    if (tail > 0) d.closeWindow(tail);
    d.finish(duration);
  }

  const cyclesPerWork = fmax * 1000; // cycles in one f_max-millisecond
  const vmResults: PowerVmResult[] = vms.map((vm, v) => {
    const d = demand[v];
    const booked = vm.booked * duration * cyclesPerWork;
    const entitled = d.entitled * cyclesPerWork;
    const delivered = d.delivered * cyclesPerWork;
    return {
      vm: vm.id,
      bookedCycles: booked,
      entitledCycles: entitled,
      demandCycles: d.demand * cyclesPerWork,
      deliveredCycles: delivered,
      deliveredOfBookedPct: booked > 0 ? (100 * delivered) / booked : 0,
      deliveredOfEntitledPct: entitled > 0 ? (100 * delivered) / entitled : 100,
      requests: d.requests,
      completed: d.completed,
      slaMisses: d.slaMisses,
      p95LatencyMs: d.p95LatencyMs(),
    };
  });
  const shares = vmResults.filter((r) => r.entitledCycles > 0).map((r) => Math.min(1, r.deliveredCycles / r.entitledCycles));
  const residency: Record<string, number> = {};
  points.forEach((s, i) => (residency[String(s.mhz)] = (residency[String(s.mhz)] ?? 0) + residencyMs[i] / (duration * nCpu)));
  const energyJ = meter.energyJ + platformJ;

  return {
    scenario: scenario.id,
    engine: engine.label,
    design,
    policy,
    scheduler,
    cpufreq: engine.cpufreq,
    hostGovernor: plan.host,
    guestGovernor: plan.guest === 'none' ? null : plan.guestGovernor,
    energyJ,
    avgPowerW: energyJ / (duration / 1000),
    staticFloorJ: meter.floorJ(poweredCpus, duration) + platformJ,
    fairness: jainIndex(shares),
    transitions,
    guestRequests,
    residency,
    freqTrace: {
      bucketMs: FREQ_BUCKET_MS,
      mhzByCpu: mhzSum.map((sums) =>
        Array.from(sums, (sum, b) => Math.round(sum / Math.min(FREQ_BUCKET_MS, duration - b * FREQ_BUCKET_MS))),
      ),
    },
    freqZoom: { fromMs: zoomFrom, stepMs: STEP_MS, mhz: Array.from(zoom) },
    availableCycles: availableWork * cyclesPerWork,
    raplThrottled: throttledMs / (duration * nCpu),
    vms: vmResults,
  };
}
