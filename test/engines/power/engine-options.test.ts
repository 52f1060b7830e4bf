import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPowerEngine, powerEngineOf, checkPowerOptions } from '../../../engines/power/engine-options.ts';
import { resolveEngine, builtinEngines } from '../../../engines/registry.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';

const intel = getProfile('intel-modern');

/** what the harness does for one --engines spec: resolve it, then read it against the bare engine's defaults */
function powerOf(spec: string, profile = intel) {
  const r = resolveEngine(spec, builtinEngines(), profile);
  const id = r.engine.id as 'xen' | 'kvm';
  return powerEngineOf(id, r.label, r.options, resolveEngine(id, builtinEngines(), profile).options);
}

test('bare xen and kvm are the power defaults: credit2 with Xen ondemand, CFS with schedutil', () => {
  assert.deepEqual(powerOf('xen'), defaultPowerEngine('xen'));
  assert.deepEqual(powerOf('kvm'), defaultPowerEngine('kvm'));
  // a profile default is not a user's option: xpti=off on AMD, mmu=shadow without EPT run as the defaults,
  // under the label every other result of that engine has
  assert.deepEqual(powerOf('xen', getProfile('amd-modern')), { ...defaultPowerEngine('xen'), label: 'xen:xpti=off' });
  assert.deepEqual(powerOf('kvm', getProfile('core2-2007')), { ...defaultPowerEngine('kvm'), label: 'kvm:mmu=shadow,vpid=off,apicv=off' });
});

test('the options the power model reads reach it, under the spec label', () => {
  assert.deepEqual(powerOf('xen:sched=credit,cpufreq=dom0-kernel'), { ...defaultPowerEngine('xen'), label: 'xen:sched=credit,cpufreq=dom0-kernel', xenScheduler: 'credit', cpufreq: 'dom0-kernel' });
  assert.deepEqual(powerOf('kvm:cpufreq=hwp,epp=power,haltpoll=off'), { ...defaultPowerEngine('kvm'), label: 'kvm:haltpoll=off,cpufreq=hwp,epp=power', cpufreq: 'hwp', epp: 'power', haltPoll: false });
  assert.equal(powerOf('kvm:guestcpufreq=virtual-cpufreq').guestCpufreq, 'virtual-cpufreq');
});

test('an option the power model cannot honour is a one-line usage error naming it', () => {
  assert.throws(() => powerOf('xen:mode=hvm'), /^UsageError: power suite: engine xen:mode=hvm: the power model cannot honour mode=hvm \(it reads xen options sched, cpufreq\)$/);
  assert.throws(() => powerOf('kvm:mmu=shadow,vpid=off'), /cannot honour mmu=shadow, vpid=off/);
  assert.throws(() => powerOf('kvm:epp=power'), /epp needs cpufreq=hwp or amd-pstate/);
  assert.throws(() => powerOf('kvm:cpufreq=hwp,guestcpufreq=virtual-cpufreq'), /guestcpufreq=virtual-cpufreq needs cpufreq=schedutil/);
});

test('a cpufreq driver the CPU cannot run is refused when the spec is resolved', () => {
  assert.throws(() => powerOf('kvm:cpufreq=hwp', getProfile('amd-modern')), /cpufreq=hwp needs HWP, which profile amd-modern lacks/);
  assert.throws(() => powerOf('kvm:cpufreq=hwp', getProfile('core2-2007')), /cpufreq=hwp needs HWP, which profile core2-2007 lacks/);
  assert.throws(() => powerOf('kvm:cpufreq=amd-pstate'), /cpufreq=amd-pstate needs CPPC \(Zen 2 or later\), which profile intel-modern lacks/);
  // a Zen 2 profile with CPPC can
  assert.doesNotThrow(() => checkPowerOptions({ cpufreq: 'amd-pstate' }, { ...getProfile('amd-modern').power, autonomous: 'cppc' }, 'zen2'));
});
