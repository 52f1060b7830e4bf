// The tool's version, from package.json: recorded in every results file so counters are comparable only
// across the same model version.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
export const TOOL_VERSION: string = pkg.version;
