// The CLI's JavaScript build: scripts/cli.ts and the pool's worker thread (harness/worker.ts) bundled by esbuild
// (which tsx is built on) into build/cli/, so that `hvbench` starts without tsx's loader, which otherwise
// resolves and transpiles several hundred modules through its hooks in every process and every worker thread
// (about 4 s of CPU for a one-workload run). bin/hvbench.js, the tests' CLI host (test/scripts/cli-host.mjs) and
// a pool worker started from the sources (harness/worker-entry.mjs) load their code through load(): the build
// when it is fresh, else the TypeScript sources under tsx, so an edited source is never run from an old build
// and nothing needs a manual step.
// The build is a pure function of the sources: build/cli/manifest.json records the SHA-256 of every file
// esbuild read (esbuild's metafile inputs, JSON included), of tsconfig.json, of this file and esbuild's version;
// the build is fresh when all of them still match. Node modules stay outside the bundle (imported as they are).
// A source's `import.meta.url` is rewritten to that source's own URL (relative to the bundle), so paths it
// resolves from it (package.json, the lab's directories, createRequire) are the ones it resolves under tsx;
// `import.meta.hvbenchBundle` is the bundle's own URL in the bundle and undefined under tsx (harness/bundled.ts).
// HVBENCH_NO_BUILD=1 in the environment runs the sources under tsx even beside a fresh build.
// `node scripts/cli-build.mjs` (postinstall, prebench, scripts/run-tests.mjs) builds when the build is missing or
// stale and never fails: without a build, hvbench runs under tsx as before.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BUILD_DIR = join(ROOT, 'build', 'cli');
const SELF = fileURLToPath(import.meta.url);
/** bundle name → its TypeScript entry (harness/pool.ts starts the worker bundle beside the CLI's) */
const ENTRIES = { cli: 'scripts/cli.ts', worker: 'harness/worker.ts' };
/** files that shape the output beside the bundled sources */
const EXTRA_INPUTS = ['tsconfig.json', relative(ROOT, SELF)];

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

function esbuildVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
}

/** whether `dir` holds a build whose every input still has the content it was built from (and it may be used) */
export function isFresh(dir = BUILD_DIR) {
  if (process.env.HVBENCH_NO_BUILD === '1') return false;
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    if (manifest.esbuild !== esbuildVersion()) return false;
    return Object.entries(manifest.inputs).every(([file, hash]) => sha256(join(ROOT, file)) === hash);
  } catch {
    return false;
  }
}

/**
 * one of the ENTRIES as a module: from the build when it is fresh, else from its source under tsx (registered
 * here: a worker thread starts without the loader of the thread that started it)
 */
export async function load(name) {
  if (isFresh()) return import(pathToFileURL(join(BUILD_DIR, `${name}.mjs`)).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(ROOT, ENTRIES[name])).href);
}

/** esbuild plugin: each repository source's `import.meta.url` becomes its own URL, relative to the bundle */
const ownUrl = (outdir) => ({
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const own = relative(outdir, args.path).split('\\').join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(own)}, import.meta.url).href`), loader: 'ts' };
    });
  },
});

/** bundles the entries into `dir` (replaced whole: a reader sees the old build, the new one or none) */
export async function build(dir = BUILD_DIR) {
  const esbuild = await import('esbuild');
  const staging = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  try {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(ROOT, file)])),
      outdir: staging,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      // function and class names as they are in the sources (error messages and engines may print them)
      keepNames: true,
      define: { 'import.meta.hvbenchBundle': 'HVBENCH_BUNDLE_URL' },
      banner: { js: 'const HVBENCH_BUNDLE_URL = import.meta.url;' },
      plugins: [ownUrl(dir)],
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = {};
    for (const file of [...Object.keys(result.metafile.inputs), ...EXTRA_INPUTS].sort()) inputs[file] = sha256(join(ROOT, file));
    writeFileSync(join(staging, 'manifest.json'), JSON.stringify({ esbuild: esbuildVersion(), inputs }, null, 1) + '\n');
    mkdirSync(dirname(dir), { recursive: true });
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(staging, dir);
  } finally {
    // a build that failed, or lost a race with another one, leaves nothing behind
    rmSync(staging, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}

if (process.argv[1] === SELF) {
  try {
    if (!isFresh()) {
      await build();
      console.log('hvbench: built the CLI into build/cli');
    }
  } catch (err) {
    console.log(`hvbench: the CLI was not built, it runs from the TypeScript sources (${String(err?.message ?? err).split('\n')[0]})`);
  }
}
