// apt's output as recorded on Debian 12 (test/fixtures/lab/), and the cache directory a version maps to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCandidate, parseDependency, versionDir } from '../../../engines/lab/debian-packages.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/lab/${name}`, import.meta.url), 'utf8');

test('the candidate version comes from apt-cache policy; "(none)" is no version', () => {
  assert.equal(parseCandidate(fixture('apt-cache-policy.txt')), '6.1.192-3');
  assert.equal(parseCandidate('foo:\n  Installed: (none)\n  Candidate: (none)\n'), null);
  assert.equal(parseCandidate(''), null);
});

test('a metapackage resolves to its matching dependency', () => {
  assert.equal(parseDependency(fixture('apt-cache-depends.txt'), /^linux-image-\d/), 'linux-image-6.1.0-57-cloud-amd64');
  assert.equal(parseDependency(fixture('apt-cache-depends.txt'), /^xen-/), null);
});

test('an epoch colon does not reach the directory name', () => {
  assert.equal(versionDir({ name: 'busybox-static', version: '1:1.35.0-4+deb12u1+b1' }), 'busybox-static_1%3a1.35.0-4+deb12u1+b1');
});

test('a resolution recorded under the current apt stamp is answered without apt; the stamp follows the files', async () => {
  const { mkdtempSync, rmSync, utimesSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { aptStamp, resolvePackage } = await import('../../../engines/lab/debian-packages.ts');
  const dir = mkdtempSync(join(tmpdir(), 'hvb-apt-'));
  try {
    // a name apt cannot know: only the memo can answer it
    const memo = { stamp: aptStamp(), answers: { 'hvbench-no-such-package /^x/': { name: 'hvbench-no-such-package-1', version: '9' } } };
    writeFileSync(join(dir, 'apt-resolved.json'), JSON.stringify(memo));
    assert.deepEqual(resolvePackage('hvbench-no-such-package', /^x/, dir), { name: 'hvbench-no-such-package-1', version: '9' });
    const lists = join(dir, 'lists');
    writeFileSync(lists, '');
    utimesSync(lists, 1000, 1000);
    const before = aptStamp([lists]);
    utimesSync(lists, 2000, 2000);
    assert.notEqual(aptStamp([lists]), before);
    assert.equal(aptStamp([join(dir, 'missing')]), '-');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a recorded list of packages is answered without asking; one of the wrong shape is asked again and recorded', async () => {
  const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { aptStamp, isPackageList, remembered } = await import('../../../engines/lab/debian-packages.ts');
  const dir = mkdtempSync(join(tmpdir(), 'hvb-apt-'));
  try {
    const list = [{ name: 'hvbench-a', version: '1' }, { name: 'hvbench-b', version: '2' }];
    writeFileSync(join(dir, 'apt-resolved.json'), JSON.stringify({ stamp: aptStamp(), answers: { 'policy a b': list, 'policy c': { name: 'c' } } }));
    assert.deepEqual(remembered(dir, 'policy a b', () => assert.fail('asked apt'), isPackageList), list);
    const asked = [{ name: 'hvbench-c', version: '3' }];
    assert.deepEqual(remembered(dir, 'policy c', () => asked, isPackageList), asked);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'apt-resolved.json'), 'utf8')).answers['policy c'], asked);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
