// The output directory swap under SIGKILL: a child process renders a new directory and swaps it in, killing
// itself (a real SIGKILL, no handler runs) right after step k. At that instant a complete old or new directory
// must exist — under the output name, or (between steps 1 and 2 only) as the aside copy — and the next start's
// recoverDir must leave exactly one complete directory under the output name and no hidden leftovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { recoverDir, replaceDir, makeTempDir } from '../../reports/swap-dir.ts';

const OLD = { 'results.json': 'old results', 'charts/overhead.png': 'old chart' };
const NEW = { 'results.json': 'new results', 'report.html': 'new page', 'charts/exits.png': 'new chart' };

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

function read(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(join(dir, rel)).isDirectory()) Object.assign(out, read(dir, rel));
    else out[rel] = readFileSync(join(dir, rel), 'utf8');
  }
  return out;
}

const repo = new URL('../../', import.meta.url);

/** runs the swap in a child that SIGKILLs itself after step `k` (0: before the swap starts) */
function killedSwap(base: string, k: number): void {
  const script = join(base, '..', `swap-${k}.mts`);
  writeFileSync(script, `
    import { writeFileSync, mkdirSync } from 'node:fs';
    import { join } from 'node:path';
    import { makeTempDir, replaceDir } from '${new URL('reports/swap-dir.ts', repo).href}';
    const target = ${JSON.stringify(join(base, 'out'))};
    const temp = await makeTempDir(target);
    for (const [name, text] of Object.entries(${JSON.stringify(NEW)})) {
      mkdirSync(join(temp, name, '..'), { recursive: true });
      writeFileSync(join(temp, name), text);
    }
    const kill = (step) => { if (step === ${k}) process.kill(process.pid, 'SIGKILL'); };
    kill(0);
    await replaceDir(temp, target, kill);
  `);
  const child = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: fileURLToPath(repo), encoding: 'utf8' });
  assert.equal(child.signal, 'SIGKILL', `step ${k}: ${child.stderr}`);
}

for (const [k, expected] of [[0, OLD], [1, OLD], [2, NEW], [3, NEW]] as const) {
  test(`SIGKILL after swap step ${k}: a complete ${expected === OLD ? 'old' : 'new'} directory survives, and recovery restores it under the output name`, async () => {
    const base = mkdtempSync(join(tmpdir(), 'hvbench-swap-'));
    mkdirSync(join(base, 'dir'));
    const dir = join(base, 'dir');
    write(join(dir, 'out'), OLD);
    killedSwap(dir, k);
    // at the instant of the kill: the output name holds a complete set, or only the aside copy does (step 1)
    const names = readdirSync(dir);
    const complete = names.map((n) => read(join(dir, n))).filter((c) => isDeepStrictEqual(c, OLD) || isDeepStrictEqual(c, NEW));
    assert.ok(complete.length > 0, `step ${k}: no complete directory among ${names.join(', ')}`);
    if (k === 1) assert.ok(!names.includes('out') && names.some((n) => n.startsWith('.out.old-')), names.join(', '));
    else assert.ok(names.includes('out'));
    // the next start
    await recoverDir(join(dir, 'out'));
    assert.deepEqual(readdirSync(dir), ['out']);
    assert.deepEqual(read(join(dir, 'out')), expected);
  });
}

test('without a previous directory the new one is renamed in; a failed rename puts the old one back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvbench-swap-'));
  const target = join(dir, 'out');
  const temp = await makeTempDir(target);
  write(temp, NEW);
  const steps: number[] = [];
  await replaceDir(temp, target, (s) => void steps.push(s));
  assert.deepEqual(steps, [1, 2, 3]);
  assert.deepEqual(readdirSync(dir), ['out']);
  assert.deepEqual(read(target), NEW);
  // a temp that vanished (rename fails with ENOENT): the old directory must still be `out`
  await assert.rejects(replaceDir(join(dir, '.out.tmp-gone'), target), { code: 'ENOENT' });
  assert.deepEqual(readdirSync(dir), ['out']);
  assert.deepEqual(read(target), NEW);
});

test('recovery leaves the siblings of a live process alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvbench-swap-'));
  mkdirSync(join(dir, `.out.old-${process.pid}-abc`));
  mkdirSync(join(dir, `.out.tmp-${process.pid}-abc`));
  await recoverDir(join(dir, 'out'));
  assert.deepEqual(readdirSync(dir).sort(), [`.out.old-${process.pid}-abc`, `.out.tmp-${process.pid}-abc`]);
});
