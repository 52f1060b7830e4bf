import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineColors } from '../../../reports/charts/palette.ts';

test('one colour per engine family, the same whatever else a results file holds or in which order', () => {
  const four = engineColors([
    { label: 'native', id: 'native' }, { label: 'xen', id: 'xen' }, { label: 'kvm', id: 'kvm' }, { label: 'xen:mode=hvm', id: 'xen' },
  ]);
  assert.deepEqual(Object.fromEntries(four), { native: '#000000', xen: '#0072b2', kvm: '#d55e00', 'xen:mode=hvm': '#56b4e9' });
  // reversed, with a measured kvm beside them: xen and kvm keep their colours
  const other = engineColors([{ label: 'kvm-host', id: 'kvm-host' }, { label: 'kvm', id: 'kvm' }, { label: 'xen', id: 'xen' }]);
  assert.equal(other.get('kvm'), '#d55e00');
  assert.equal(other.get('xen'), '#0072b2');
  assert.equal(other.get('kvm-host'), '#e69f00', 'the first variant of the kvm family');
  // a family's variants cycle through its shades and never take the plain engine's
  const variants = engineColors(['a', 'b', 'c', 'd'].map((v) => ({ label: `kvm:x=${v}`, id: 'kvm' })));
  assert.deepEqual([...variants.values()], ['#e69f00', '#8a3d00', '#f5c98a', '#e69f00']);
  // a plugin engine gets a colour of no built-in family, the same every time
  const plugin = engineColors([{ label: 'trap-emulate', id: 'trap-emulate' }]).get('trap-emulate')!;
  assert.ok(['#009e73', '#cc79a7', '#f0e442', '#999999'].includes(plugin));
  assert.equal(engineColors([{ label: 'trap-emulate:trap=5', id: 'trap-emulate' }]).get('trap-emulate:trap=5'), plugin);
});
