// The one way hvbench reads a JSON input — workload files, cost profiles, results files — so every one gets
// the same limits and the same one-line errors naming the file:
// - only a regular file is read (a FIFO or a device would block or never end), up to MAX_JSON_BYTES;
// - a UTF-8 byte-order mark is accepted and dropped (RFC 8259 §8.1 lets a parser ignore it; editors on
//   Windows write one);
// - nesting deeper than MAX_JSON_DEPTH is refused by a linear scan before JSON.parse, whose recursion would
//   otherwise overflow the stack ("Maximum call stack size exceeded") on a file of 100,000 '['.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError, clip } from './errors.ts';
import { MAX_JSON_BYTES, MAX_JSON_DEPTH } from './limits.ts';


const BOM = '\ufeff';
const READ_ERRORS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a directory', ENOTDIR: 'no such file' };

/** the depth of the deepest [ or { outside strings, stopping as soon as it passes `limit`: -1 when it does */
function exceedsDepth(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/** parse JSON text read from `fileName` (BOM dropped, depth checked); a UsageError names the file */
export function parseJsonText(text: string, fileName: string): unknown {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const at = exceedsDepth(body, MAX_JSON_DEPTH);
  if (at >= 0) throw new UsageError(`${fileName}: nests deeper than ${MAX_JSON_DEPTH} levels (at character ${at}); refused before parsing`);
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new UsageError(`${fileName}: not JSON (${clip((e as Error).message)})`);
  }
}

/** read and parse the JSON file `path`; `what` names it in errors ("workload file"), `hint` follows a read error */
export function readJsonFile(path: string, what: string, hint = ''): unknown {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat below refuses it
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new UsageError(`${path}: cannot read the ${what} (${READ_ERRORS[code] ?? code})${hint}`);
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw new UsageError(`${path}: cannot read the ${what} (it is a directory)${hint}`);
    if (!stats.isFile()) throw new UsageError(`${path}: cannot read the ${what} (not a regular file)`);
    if (stats.size > MAX_JSON_BYTES) {
      throw new UsageError(`${path}: ${stats.size} bytes; a ${what} may have at most ${MAX_JSON_BYTES} (${MAX_JSON_BYTES / 1024 / 1024} MiB)`);
    }
    const bytes = Buffer.alloc(stats.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return parseJsonText(bytes.toString('utf8', 0, read), path);
  } finally {
    closeSync(fd);
  }
}
