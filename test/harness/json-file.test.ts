import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJsonText, readJsonFile } from '../../harness/json-file.ts';
import { MAX_JSON_BYTES, MAX_JSON_DEPTH } from '../../harness/limits.ts';
import { UsageError } from '../../harness/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'hvbench-json-'));

function oneLineError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UsageError, String(e));
    assert.ok(!e.message.includes('\n'));
    assert.match(e.message, pattern);
    return true;
  });
}

test('a UTF-8 byte-order mark is dropped, in text and in a file', () => {
  assert.deepEqual(parseJsonText('\ufeff{"a":1}', 'x.json'), { a: 1 });
  writeFileSync(join(dir, 'bom.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[1,2]')]));
  assert.deepEqual(readJsonFile(join(dir, 'bom.json'), 'workload file'), [1, 2]);
});

test(`nesting: ${MAX_JSON_DEPTH} levels parse, one more is refused before parsing; brackets in strings do not count`, () => {
  const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
  assert.doesNotThrow(() => parseJsonText(nest(MAX_JSON_DEPTH), 'ok.json'));
  // the 65th '[' is character 64 (0-based)
  oneLineError(() => parseJsonText(nest(MAX_JSON_DEPTH + 1), 'deep.json'), /^deep\.json: nests deeper than 64 levels \(at character 64\); refused before parsing$/);
  // the object is level 1 at character 0; '[' number k is level k+1 at character 4+k, so level 65 is k = 64 at 68
  oneLineError(() => parseJsonText('{"a":' + nest(100_000) + '}', 'deeper.json'), /nests deeper than 64 levels \(at character 68\)/);
  // 100 brackets inside a string (one with an escaped quote before them) are text, not nesting
  assert.deepEqual(parseJsonText(`["\\"${'['.repeat(100)}"]`, 's.json'), [`"${'['.repeat(100)}`]);
});

test('not JSON: one line naming the file, the parser message cut to 80 characters', () => {
  oneLineError(() => parseJsonText('{"a":', 'bad.json'), /^bad\.json: not JSON \(/);
  const long = 'x'.repeat(10_000);
  assert.throws(() => parseJsonText(long, 'long.json'), (e: Error) => e.message.length < 'long.json: not JSON ()'.length + 81);
});

test('missing file, directory, FIFO and oversized file: refused in one line without reading', () => {
  oneLineError(() => readJsonFile(join(dir, 'absent.json'), 'profile'), /absent\.json: cannot read the profile \(no such file\)$/);
  oneLineError(() => readJsonFile(dir, 'profile', ' (hint)'), /cannot read the profile \(it is a directory\) \(hint\)$/);
  const fifo = join(dir, 'fifo.json');
  execFileSync('mkfifo', [fifo]);
  // would block forever if opened for a blocking read
  oneLineError(() => readJsonFile(fifo, 'results file'), /fifo\.json: cannot read the results file \(not a regular file\)$/);
  const big = join(dir, 'big.json');
  writeFileSync(big, '');
  truncateSync(big, MAX_JSON_BYTES + 1); // sparse: no 64 MiB written
  oneLineError(() => readJsonFile(big, 'results file'), new RegExp(`big\\.json: ${MAX_JSON_BYTES + 1} bytes; a results file may have at most ${MAX_JSON_BYTES} \\(64 MiB\\)$`));
});
