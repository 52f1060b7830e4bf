// The newc cpio writer, checked against the format as Linux's buffer-format.rst describes it, field by field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Initramfs } from '../../../engines/lab/initramfs.ts';

const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

test('a file entry: header fields, name and data padded to 4 bytes, parents first, trailer last', () => {
  const cpio = text(new Initramfs().file('bin/hi', 'abc', 0o755).bytes());
  // entry 1: the implied directory "bin": mode 040755 = 0x41ed, nlink 2, size 0, namesize 4 ("bin\0")
  assert.equal(cpio.slice(0, 110), '070701' + ['1', '41ed', '0', '0', '2', '0', '0', '0', '0', '0', '0', '4', '0'].map((h) => h.padStart(8, '0')).join(''));
  // 110 + 4 = 114 → 2 bytes of padding to 116, no data
  assert.equal(cpio.slice(110, 116), 'bin\0\0\0');
  // entry 2 at 116: mode 0100755 = 0x81ed, nlink 1, size 3, namesize 7 ("bin/hi\0"); 110 + 7 = 117 → pad to 120
  const e2 = cpio.slice(116);
  assert.equal(e2.slice(0, 6), '070701');
  assert.equal(e2.slice(6 + 8, 6 + 16), '000081ed');
  assert.equal(e2.slice(6 + 6 * 8, 6 + 7 * 8), '00000003');
  assert.equal(e2.slice(110, 120), 'bin/hi\0\0\0\0');
  // data "abc" + 1 byte of padding
  assert.equal(e2.slice(120, 124), 'abc\0');
  // the trailer: namesize 11, name padded 110 + 11 = 121 → 124
  const trailer = e2.slice(124);
  assert.equal(trailer.slice(6 + 11 * 8, 6 + 12 * 8), '0000000b');
  assert.equal(trailer.slice(110, 124), 'TRAILER!!!\0\0\0\0');
  assert.equal(trailer.length, 124);
});

test('device nodes carry rdev major/minor; symlinks their target as data', () => {
  const cpio = text(new Initramfs().charDevice('console', 5, 1).symlink('sh', 'busybox').bytes());
  // console: mode 020600 = 0x2180, rdevmajor 5, rdevminor 1 (fields 10 and 11)
  assert.equal(cpio.slice(6 + 8, 6 + 16), '00002180');
  assert.equal(cpio.slice(6 + 9 * 8, 6 + 11 * 8), '0000000500000001');
  // sh follows at 110 + 8 ("console\0") = 118 → 120; mode 0120777 = 0xa1ff; its name ends at 110 + 3 = 113 → 116,
  // then the data "busybox" (7) padded to 8
  const sh = cpio.slice(120);
  assert.equal(sh.slice(6 + 8, 6 + 16), '0000a1ff');
  assert.equal(sh.slice(116, 124), 'busybox\0');
});

test('the same entries give the same bytes; bad paths and files under files are refused', () => {
  const build = () => new Initramfs().dir('lab').file('lab/x', new Uint8Array([1, 2, 3])).bytes();
  assert.deepEqual(build(), build());
  assert.throws(() => new Initramfs().file('../etc/passwd', 'x'), /bad path/);
  assert.throws(() => new Initramfs().file('a', 'x').file('a/b', 'y'), /a is not a directory/);
});
