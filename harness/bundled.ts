// Whether this code runs from the CLI's esbuild bundle (build/cli/, scripts/cli-build.mjs) rather than from the
// TypeScript sources under tsx: in the bundle `import.meta.hvbenchBundle` is the bundle file's own URL (the
// build defines it); tsx leaves it undefined. The bundle starts the worker bundle beside it and has no
// TypeScript loader until it needs one.
export const BUNDLE_URL = (import.meta as { hvbenchBundle?: string }).hvbenchBundle;

let typescript = false;
/**
 * lets a bundled process import a module written in TypeScript, as it could under tsx: a third-party engine, or
 * one in JavaScript that imports this repository's TypeScript (harness/pair-clock.ts)
 */
export async function allowTypeScript(): Promise<void> {
  if (BUNDLE_URL === undefined || typescript) return;
  typescript = true;
  (await import('tsx/esm/api')).register();
}
