// The CLI's JavaScript build (scripts/cli-build.mjs): it records what it was built from, is stale as soon as any
// of that differs, and the bundle (with its worker bundle) computes what the TypeScript sources compute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, isFresh } from '../../scripts/cli-build.mjs';
import { main } from '../../scripts/cli.ts';

// inside the repository, as build/cli is: the bundle imports its packages from the repository's node_modules
const REPO = new URL('../..', import.meta.url).pathname;
mkdirSync(join(REPO, 'build'), { recursive: true });
const dir = mkdtempSync(join(REPO, 'build', 'cli-test-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'cli');
const manifestOf = (d: string) => JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as { esbuild: string; inputs: Record<string, string> };

test('a build lists every source it bundled, the files that shape it, and is fresh', async () => {
  await build(out);
  const { inputs } = manifestOf(out);
  // the two entries, a module only the CLI imports, one only the worker reaches, a JSON import, and the two
  // files outside the graph that change the output (esbuild reads tsconfig.json; the builder itself)
  for (const file of ['scripts/cli.ts', 'harness/worker.ts', 'scripts/commands/compare.ts', 'harness/pair.ts', 'tsconfig.json', 'scripts/cli-build.mjs']) {
    assert.match(inputs[file] ?? '', /^[0-9a-f]{64}$/, file);
  }
  assert.ok(!Object.keys(inputs).some((f) => f.includes('node_modules')), 'packages stay outside the bundle');
  assert.equal(isFresh(out), true);
});

test('a build is stale when one input differs, is gone, or esbuild is another version, and when it has no manifest', () => {
  const variant = (name: string, edit: (m: { esbuild: string; inputs: Record<string, string> }) => void) => {
    const copy = join(dir, name);
    cpSync(out, copy, { recursive: true });
    const manifest = manifestOf(copy);
    edit(manifest);
    writeFileSync(join(copy, 'manifest.json'), JSON.stringify(manifest));
    return copy;
  };
  // an edited source: its recorded hash no longer matches (one hex digit changed)
  assert.equal(isFresh(variant('edited', (m) => (m.inputs['harness/pair.ts'] = m.inputs['harness/pair.ts'].replace(/^./, (c) => (c === '0' ? '1' : '0'))))), false);
  assert.equal(isFresh(variant('removed', (m) => (m.inputs['engines/gone.ts'] = '0'.repeat(64)))), false);
  assert.equal(isFresh(variant('esbuild', (m) => (m.esbuild = '0.0.0'))), false);
  assert.equal(isFresh(join(dir, 'nowhere')), false);
  process.env.HVBENCH_NO_BUILD = '1';
  try {
    assert.equal(isFresh(out), false, 'HVBENCH_NO_BUILD=1 asks for the sources');
  } finally {
    delete process.env.HVBENCH_NO_BUILD;
  }
  // the unchanged copy is still fresh: the check reads the sources, not where the build lies
  assert.equal(isFresh(variant('same', () => {})), true);
});

test('the bundle, run as a process of its own, gives the counters the sources give', async () => {
  const args = ['run', '--workloads', 'micro/cpuid,io/net-rr', '--engines', 'native,kvm,xen', '--workers', '2', '--no-timing', '--no-png', '--no-html', '--quiet'];
  // what bin/hvbench.js does with a fresh build, here with this one (a file: worker threads inherit node's flags)
  const runner = join(dir, 'run.mjs');
  writeFileSync(runner, `const { main } = await import(${JSON.stringify(pathToFileURL(join(out, 'cli.mjs')).href)});\nprocess.exitCode = await main(process.argv);\n`);
  const bundled = spawnSync(process.execPath, [runner, ...args, '--out', join(dir, 'bundled')], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(bundled.status, 0, bundled.stderr);
  // the sources' main and, through harness/worker-entry.mjs, the sources' worker under tsx
  process.env.HVBENCH_NO_BUILD = '1';
  try {
    assert.equal(await main([process.execPath, 'hvbench', ...args, '--out', join(dir, 'sources')]), 0);
  } finally {
    delete process.env.HVBENCH_NO_BUILD;
    process.exitCode = 0;
  }
  const counters = (d: string) =>
    (JSON.parse(readFileSync(join(d, 'results.json'), 'utf8')) as { runs: Record<string, unknown>[] }).runs.map(
      ({ workload, engine, cycles, attribution, exits, hypercalls, tlb, events, setup }) => ({ workload, engine, cycles, attribution, exits, hypercalls, tlb, events, setup }),
    );
  const fromBundle = counters(join(dir, 'bundled'));
  // 2 workloads x 3 engines
  assert.equal(fromBundle.length, 6);
  assert.deepEqual(fromBundle, counters(join(dir, 'sources')));
});

test('the bundle loads third-party engines in TypeScript, or importing the repository\'s TypeScript, as tsx does', () => {
  const plugin = join(dir, 'typed-engine.ts');
  // a type annotation and an interface: Node 20 cannot import this without a TypeScript loader
  writeFileSync(plugin, `interface Toy { id: string; title: string }
const engine: Toy & Record<string, unknown> = { id: 'typed-toy', title: 'Typed toy', description: 'd', mode: 'simulated', options: [],
  availability: () => ({ available: true }), run: () => ({}) };
export default engine;
`);
  // JavaScript, but it imports a TypeScript source as test/fixtures/harness/slow-setup-engine.mjs does
  const importing = join(dir, 'importing-engine.mjs');
  writeFileSync(importing, `import { offThePairClock } from ${JSON.stringify(pathToFileURL(join(REPO, 'harness/pair-clock.ts')).href)};
export default { id: 'importing-toy', title: 'Importing toy', description: String(typeof offThePairClock), mode: 'simulated', options: [],
  availability: () => ({ available: true }), run: () => ({}) };
`);
  const r = spawnSync(process.execPath, [join(dir, 'run.mjs'), 'list', '--engine-module', plugin, '--engine-module', importing], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /typed-toy/);
  assert.match(r.stdout, /importing-toy/);
});
