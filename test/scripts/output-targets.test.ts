// Where hvbench writes, end to end: a FIFO, a device node or a symbolic link given as an output file is refused
// in one line (exit 2) and left exactly as it was. These need special files, so they are ordinary tests and not
// hostile-corpus cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildResults } from '../fixtures/results.ts';

const BIN = new URL('../../bin/hvbench.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hvbench-targets-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const results = join(dir, 'results.json');
writeFileSync(results, JSON.stringify(buildResults()));

/** a backstop against a hung command, not a time bound: a refusal costs about 2.3 s of CPU, but took 26-34 s of
 *  wall-clock time at load average 25 on 2 cores, where the former 60 s came close */
const HANG_MS = 600_000;

function hvbench(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: HANG_MS });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLineRefusal(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
}

test('compare --out /dev/null is refused and /dev/null stays a character device', () => {
  const r = hvbench(['compare', results, results, '--out', '/dev/null']);
  assertOneLineRefusal(r, /^hvbench: cannot write \/dev\/null: it is a character device/);
  assert.equal(r.stdout, '');
  assert.ok(lstatSync('/dev/null').isCharacterDevice());
});

test('compare --export onto a FIFO is refused before anything is read, and the FIFO stays a FIFO', () => {
  const fifo = join(dir, 'export.fifo');
  execFileSync('mkfifo', [fifo]);
  const r = hvbench(['compare', results, results, '--export', 'github-action-benchmark', fifo]);
  assertOneLineRefusal(r, /it is a FIFO; hvbench replaces only regular files/);
  assert.ok(lstatSync(fifo).isFIFO());
});

test('calibrate --out onto a symbolic link is refused; the link and its target are unchanged', () => {
  const target = join(dir, 'profile-target.json');
  const link = join(dir, 'profile-link.json');
  writeFileSync(target, '{"keep":true}');
  symlinkSync(target, link);
  const r = hvbench(['calibrate', '--out', link]);
  assertOneLineRefusal(r, /profile-link\.json: it is a symbolic link/);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readFileSync(target, 'utf8'), '{"keep":true}');
  assert.ok(!readdirSync(dir).some((n) => n.endsWith('.tmp')));
});
