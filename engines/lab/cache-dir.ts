// Where the lab keeps what it downloads and builds: the XDG base-directory cache ($XDG_CACHE_HOME, else
// ~/.cache), under `hvbench/`. Everything there can be deleted; it is rebuilt at the next use.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function labCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  // the XDG spec says a relative $XDG_CACHE_HOME is invalid and must be ignored
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache');
  return join(base, 'hvbench');
}
