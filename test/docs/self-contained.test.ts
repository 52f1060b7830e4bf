// The repository explains itself: no file cites the design brief, the calibration sheet or the issue tracker
// that it grew from (documents a reader of the repository does not have). Comments cite public sources (a
// Xen or Linux file and function, an SDM section, a paper) or files in the repository, such as
// docs/architecture.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
/** what a citation of an outside document looks like: a section of the design brief, an issue number, the
 *  calibration sheet, "the brief" (written with \s so that this line does not cite them itself) */
const OUTSIDE = /DESIGN\s§|\bDESIGN:|\bissue\s\d+\b|REFERENCES(\.md)?\b|\bthe\sbrief\b|shared\/(DESIGN|REFERENCES|seeds)/;

test('no tracked file cites a document or issue outside the repository', () => {
  const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '' && !/\.(png|json)$/.test(f) && f !== 'test/docs/self-contained.test.ts');
  assert.ok(files.length > 100, 'git ls-files lists the tree');
  const hits: string[] = [];
  for (const file of files) {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (OUTSIDE.test(line)) hits.push(`${file}:${i + 1}: ${line.trim().slice(0, 100)}`);
    });
  }
  assert.deepEqual(hits, []);
});
