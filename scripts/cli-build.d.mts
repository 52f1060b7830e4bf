// Types of scripts/cli-build.mjs (plain JavaScript: it runs before any TypeScript loader is in place).
export const BUILD_DIR: string;
export function isFresh(dir?: string): boolean;
export function load(name: 'cli' | 'worker'): Promise<{ main?(argv: string[]): Promise<number> }>;
export function build(dir?: string): Promise<void>;
