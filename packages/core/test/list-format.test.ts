import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { permFact, stripListFlags } from '../src/commands/listing.js';
import type { FileStat } from '../src/fs/filesystem.js';
import { formatFtpTime, formatListLine, formatMlsxLine, MLST_FACTS, parseFtpTime } from '../src/fs/list-format.js';
import { FULL_ACCESS, READ_ONLY } from '../src/permissions/presets.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const file: FileStat = { name: 'a b.txt', type: 'file', size: 1234, mtime: new Date(Date.UTC(2024, 5, 1, 9, 5, 7)), mode: 0o640 };
const dir: FileStat = { name: 'docs', type: 'directory', size: 0, mtime: new Date(Date.UTC(2020, 0, 2, 3, 4, 5)) };

describe('FTP time', () => {
  it('formats YYYYMMDDHHMMSS in UTC', () => {
    assert.equal(formatFtpTime(file.mtime), '20240601090507');
    assert.equal(formatFtpTime(new Date(Date.UTC(999, 0, 1))), '09990101000000');
  });

  it('parses YYYYMMDDHHMMSS[.sss] as UTC', () => {
    assert.equal(parseFtpTime('20240601090507')?.getTime(), file.mtime.getTime());
    assert.equal(parseFtpTime('20240601090507.25')?.getTime(), file.mtime.getTime() + 250);
  });

  it('rejects malformed and out-of-range times', () => {
    for (const bad of ['', '2024060109050', '202406010905077', '20241301000000', '20240230000000', '20240601250000', '20240601096000', '20240601095960', '2024-06-01', '20240601090507.']) {
      assert.equal(parseFtpTime(bad), undefined, bad);
    }
  });
});

describe('LIST lines', () => {
  it('formats a recent file with time and an old directory with year', () => {
    assert.equal(formatListLine(file, NOW), '-rw-r-----   1 ftp      ftp              1234 Jun  1 09:05 a b.txt');
    assert.equal(formatListLine(dir, NOW), 'drwxr-xr-x   1 ftp      ftp                 0 Jan  2  2020 docs');
  });

  it('shows symlink targets, owners and link counts', () => {
    const link: FileStat = { ...file, type: 'symlink', name: 'l', target: '/x', owner: 'alice', group: 'staff', nlink: 2, mode: 0o777 };
    assert.match(formatListLine(link, NOW), /^lrwxrwxrwx {3}2 alice {4}staff .* l -> \/x$/);
  });

  it('drops ls flags before the path, keeps names that merely start with a dash', () => {
    assert.equal(stripListFlags('-la'), '');
    assert.equal(stripListFlags('-l -a /pub'), '/pub');
    assert.equal(stripListFlags('/pub'), '/pub');
    assert.equal(stripListFlags('-la -x.txt'), '-x.txt');
  });
});

describe('MLSx facts', () => {
  const all = new Set(MLST_FACTS);
  it('formats type, size, modify, perm and unix.mode', () => {
    assert.equal(
      formatMlsxLine(file, all, permFact(file, FULL_ACCESS)),
      'type=file;size=1234;modify=20240601090507;perm=rawdf;unix.mode=0640; a b.txt',
    );
    assert.equal(formatMlsxLine(dir, all, permFact(dir, READ_ONLY)), 'type=dir;modify=20200102030405;perm=el; docs');
  });

  it('reports only the chosen facts', () => {
    assert.equal(formatMlsxLine(file, new Set(['size'] as const), 'r'), 'size=1234; a b.txt');
  });

  it('perm reflects the permissions', () => {
    assert.equal(permFact(file, READ_ONLY), 'r');
    assert.equal(permFact(dir, FULL_ACCESS), 'elcmpdf');
  });
});
