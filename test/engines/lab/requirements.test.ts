import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aptInstallCommand, missingRequirements, type LabRequirement } from '../../../engines/lab/requirements.ts';

const reqs: LabRequirement[] = [
  { package: 'node-thing', program: 'node', why: 'a program that is on PATH' },
  { package: 'qemu-system-x86', program: 'qemu-system-x86_64-not-here', why: 'a program that is not' },
  { package: 'a-file', file: '/', why: 'a file that exists' },
  { package: 'libc6-dev', file: '/nonexistent/libc.a', why: 'a file that does not' },
];

test('a requirement is missing when neither its program is on PATH nor its file exists', () => {
  const nodeDir = process.execPath.slice(0, process.execPath.lastIndexOf('/'));
  assert.deepEqual(missingRequirements(reqs, nodeDir).map((r) => r.package), ['qemu-system-x86', 'libc6-dev']);
  assert.deepEqual(missingRequirements(reqs, '').map((r) => r.package), ['node-thing', 'qemu-system-x86', 'libc6-dev']);
});

test('the apt command names each package once, with sudo unless root', () => {
  const missing = [reqs[1], reqs[3], reqs[1]];
  assert.deepEqual(aptInstallCommand(missing, true), ['apt-get', 'install', '-y', '--no-install-recommends', 'qemu-system-x86', 'libc6-dev']);
  assert.deepEqual(aptInstallCommand(missing, false)[0], 'sudo');
});
