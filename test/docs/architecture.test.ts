// docs/architecture.md cannot rot silently: every file its mechanism table names exists and still contains the
// symbol named beside it, every `docs/architecture.md#<anchor>` cited anywhere in the repository is one of its
// headings, its own links resolve, and the README links to it and to CONTRIBUTING.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const DOC = 'docs/architecture.md';
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = /^#{1,6} (.+)$/.exec(line);
    if (!fenced && m) out.add(slug(m[1]));
  }
  return out;
}

/** the rows of the table under `## Mechanisms`, as cells without the surrounding backticks */
function mechanismRows(markdown: string): string[][] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Mechanisms\n'));
  assert.ok(section, `${DOC} has a "## Mechanisms" section`);
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| mechanism '))
    .map((line) => line.slice(1, -1).split(' | ').map((cell) => cell.trim().replace(/^`(.*)`$/, '$1')));
}

test('every file in the mechanism table exists and contains the symbol named beside it', () => {
  const rows = mechanismRows(read(DOC));
  // the table covers the machine, the guest kernel, the three designs, the harness, the reports, kvm-host and
  // power: far more than 40 rows (a parse that finds a handful means the table's format changed)
  assert.ok(rows.length > 40, `expected the whole table, parsed ${rows.length} rows`);
  for (const [mechanism, , file, symbol] of rows) {
    assert.ok(existsSync(join(root, file)), `${DOC}: "${mechanism}" names ${file}, which does not exist`);
    assert.ok(read(file).includes(symbol), `${DOC}: "${mechanism}": ${file} no longer contains ${symbol}`);
  }
  const engines = new Set(rows.map((r) => r[1]));
  for (const design of ['native', 'xen', 'kvm', 'kvm:mmu=shadow', 'kvm-host']) assert.ok(engines.has(design), `a row for ${design}`);
});

test('the links in docs/architecture.md and CONTRIBUTING.md resolve: files exist, in-page anchors are headings', () => {
  for (const doc of [DOC, 'CONTRIBUTING.md']) {
    const text = read(doc);
    const own = anchors(text);
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
    assert.ok(links.length > 3, `${doc} links to the files it describes`);
    for (const link of links) {
      const [path, anchor] = link.split('#');
      if (path === '') {
        assert.ok(own.has(anchor), `${doc}: link to #${anchor}, which is no heading of it`);
        continue;
      }
      const target = join(root, dirname(doc), path);
      assert.ok(existsSync(target), `${doc}: link to ${path}, which does not exist`);
      if (anchor !== undefined) assert.ok(anchors(readFileSync(target, 'utf8')).has(anchor), `${doc}: ${link} names no heading`);
    }
  }
});

/** repository text files: everything under the root except dependencies, build output and git's own */
function repositoryFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (['node_modules', '.git', 'build', 'results'].includes(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) repositoryFiles(path, out);
    else if (/\.(ts|mjs|js|c|h|S|md|json|yml)$/.test(name) || name === 'run') out.push(path);
  }
  return out;
}

test('every docs/architecture.md#<anchor> cited in the repository is a heading of docs/architecture.md', () => {
  const headings = anchors(read(DOC));
  // the anchors this test and the document's contents line rely on are there in the first place
  for (const a of ['layers', 'operations', 'what-each-engine-does', 'counters', 'attribution', 'results-file', 'mechanisms', 'syscall-path']) {
    assert.ok(headings.has(a), `${DOC} has a heading for #${a}`);
  }
  for (const file of repositoryFiles(root)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/docs\/architecture\.md#([\w-]+)/g)) {
      assert.ok(headings.has(m[1]), `${relative(root, file)} cites ${DOC}#${m[1]}, which is no heading of it`);
    }
  }
});

test('the README links to docs/architecture.md and CONTRIBUTING.md', () => {
  const readme = read('README.md');
  assert.match(readme, /\]\(docs\/architecture\.md\)/);
  assert.match(readme, /\]\(CONTRIBUTING\.md\)/);
});
