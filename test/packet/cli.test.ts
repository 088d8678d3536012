// `winmc packet build|decode|limits` end to end: spawns bin/winmc.js, which needs `npm run build`
// (or `npx tsc -p tsconfig.build.json`) first.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeMessageTable } from '../../src/rc-gen/message-table.js';
import { corpusRoot, repoRoot } from '../support/paths.js';

const corpus = corpusRoot;
const bin = join(repoRoot, 'bin', 'winmc.js');
const built = existsSync(join(repoRoot, 'dist', 'cli', 'main.js'));
const dir = mkdtempSync(join(tmpdir(), 'winmc-packet-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function winmc(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'packet', ...args], { encoding: 'utf8', cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SERIAL_EVENT = '000008000200300000000000020006400f0000000000000000000000000000000000000000000000f803000000000000';

describe.skipIf(!built)(`winmc packet${built ? '' : ' (skipped: run npm run build first, dist/cli/main.js is missing)'}`, () => {
  it('limits: the table, and --size 153 refused on x86 only, 241 everywhere', () => {
    const table = winmc('limits');
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^x86 +256 +256 +152 +104 +112$/m);
    expect(table.stdout).toMatch(/^x64 +512 +344 +240 +192 +200$/m);

    const s153 = winmc('limits', '--size', '153');
    expect(s153.status).toBe(1);
    expect(s153.stdout).toBe(
      'x86: 153 bytes refused (ERROR_LOG_MAXIMUM_SIZE 152)\nx64: 153 bytes fits (ERROR_LOG_MAXIMUM_SIZE 240)\narm64: 153 bytes fits (ERROR_LOG_MAXIMUM_SIZE 240)\n',
    );
    expect(winmc('limits', '--size', '153', '--arch', 'x64').status).toBe(0);
    const s241 = winmc('limits', '--size', '241', '--json');
    expect(s241.status).toBe(1);
    expect(JSON.parse(s241.stdout).results.map((r: { fits: boolean }) => r.fits)).toEqual([false, false, false]);
  });

  it('limits: what still fits with given strings', () => {
    const r = winmc('limits', '--arch', 'x86', '--string', '\\Device\\Serial0', '--dump-words', '2');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      'x86: entry 88 of 152 bytes, 64 spare; with these strings at most 18 DumpData words; one more string of up to 31 characters; the last string may have up to 47 characters\n',
    );
  });

  it('build -o FILE, then decode FILE gives the fields back', () => {
    const out = join(dir, 'timeout.bin');
    const b = winmc('build', '--error-code', 'IO_ERR_TIMEOUT', '--major', '0x0f', '--unique', '0x12d', '--device-offset', '-512', '--dump', '1,0xffffffff', '--string', 'COM1', '-o', out);
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    const bytes = readFileSync(out);
    expect(bytes.length).toBe(48 + 8 + 10);
    const d = winmc('decode', out, '--device', '\\Device\\Serial0', '--json');
    expect(d.status).toBe(0);
    const json = JSON.parse(d.stdout);
    expect(json.form).toBe('driver');
    expect(json.packet).toMatchObject({
      majorFunctionCode: 15,
      errorCode: 0xc0040009,
      errorCodeName: 'IO_ERR_TIMEOUT (0xC0040009)',
      uniqueErrorValue: 0x12d,
      deviceOffset: '-512',
      dumpData: [1, 0xffffffff],
      strings: ['COM1'],
      stringOffset: 56,
    });
    expect(json.inserts).toEqual(['\\Device\\Serial0', 'COM1']);
    expect(json.message).toBe('The device, \\Device\\Serial0, did not respond within the timeout period.');
    expect(json.messageSource).toBe('iologmsg');
  });

  it('build refuses an oversized packet with the numbers, and bad fields by name', () => {
    const big = winmc('build', '--dump', new Array(27).fill('1').join(','));
    expect(big.status).toBe(1);
    expect(big.stderr).toBe(
      'winmc : error MC4005: packet of 156 bytes exceeds ERROR_LOG_MAXIMUM_SIZE 152 on x86 (108 bytes of DumpData, 0 bytes of strings at StringOffset 156)\n',
    );
    expect(winmc('build', '--dump', new Array(27).fill('1').join(','), '--arch', 'x64', '--hex').status).toBe(0);
    const field = winmc('build', '--major', '256');
    expect(field.status).toBe(1);
    expect(field.stderr).toBe("winmc : error MC4006: --major: '256' is not a number from 0 to 0xff\n");
    expect(winmc('build', '--bogus', '1').stderr).toBe('winmc : error MC4001: unknown option --bogus\n');
  });

  it('decode --hex of event data renders a message from an .mc with %1 = device name, %2 = first driver string', () => {
    const mc = join(dir, 'serial.mc');
    writeFileSync(
      mc,
      [
        'MessageIdTypedef=NTSTATUS',
        'SeverityNames=(Success=0x0 Informational=0x1 Warning=0x2 Error=0x3)',
        'FacilityNames=(Serial=0x6)',
        'MessageId=0x0002 Facility=Serial Severity=Informational SymbolicName=SERIAL_PORT_FOUND',
        'Language=English',
        'Serial port %2 was found on %1.',
        '.',
        '',
      ].join('\r\n'),
    );
    const r = winmc('decode', '--hex', SERIAL_EVENT, '--string', '\\Device\\Serial0', '--string', 'COM1', '--messages', mc);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('  ErrorCode:          0x40060002, Informational, facility 6, code 2\n');
    expect(r.stdout).toContain('  DumpData:           000003F8 00000000\n');
    expect(r.stdout).toContain('  Message:            Serial port COM1 was found on \\Device\\Serial0.\n');
  });

  it('decode takes a compiled MSGnnnnn.bin as well', () => {
    const binFile = join(dir, 'MSG00409.bin');
    writeFileSync(binFile, writeMessageTable([{ id: 0x40060002, text: 'Found %2 (%1).\r\n', unicode: true }]));
    const r = winmc('decode', '--hex', SERIAL_EVENT, '--string', 'dev', '--string', 'COM9', '--messages', binFile, '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ form: 'event', message: 'Found COM9 (dev).', messageSource: 'table' });
  });

  it('decode reads event data whose DumpDataSize is not a multiple of 4, as events does (TermDD 50 logs 11 bytes)', () => {
    const sevenBytes = SERIAL_EVENT.replace(/^00000800/, '00000700').slice(0, -2);
    const r = winmc('decode', '--hex', sevenBytes, '--json');
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { form: string; packet: { dumpDataSize: number } };
    expect([json.form, json.packet.dumpDataSize]).toEqual(['event', 7]);
  });

  it('decode rejects a truncated packet naming the field', () => {
    const r = winmc('decode', '--hex', SERIAL_EVENT.slice(0, 88), '--form', 'event');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('winmc : error MC4003: --hex: DumpDataSize (at offset 0x2): 8 bytes of DumpData would end at 48, past the 44-byte event data\n');
    const odd = winmc('decode', '--hex', '0x123');
    expect(odd.stderr).toBe('winmc : error MC4003: --hex: hex (at offset 0x4): odd number of hex digits (3): the last byte is incomplete\n');
    expect(winmc('decode', join(dir, 'missing.bin')).stderr).toBe(`winmc : error MC4002: ${join(dir, 'missing.bin')}: cannot read (ENOENT)\n`);
    expect(winmc('decode').status).toBe(2);
  });

  const evtx = join(corpus, 'evtx', '2-vss_7-System.evtx');
  let hasEvtxexport = true;
  try {
    execFileSync('sh', ['-c', 'command -v evtxexport'], { stdio: 'ignore' });
  } catch {
    hasEvtxexport = false;
  }
  it.skipIf(!hasEvtxexport || !existsSync(evtx))(
    `decode --xml of a real export lists the NetBT event with its empty %1${hasEvtxexport && existsSync(evtx) ? '' : ' (skipped: evtxexport or corpus missing)'}`,
    () => {
      const xml = join(dir, 'netbt.xml');
      writeFileSync(xml, execFileSync('evtxexport', ['-f', 'xml', evtx], { maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] }));
      const r = winmc('decode', '--xml', xml, '--json');
      expect(r.status).toBe(0);
      const netbt = (JSON.parse(r.stdout) as { provider: string; recordId: number; inserts: string[]; packet: { errorCode: number } }[]).find((e) => e.recordId === 405)!;
      expect(netbt.provider).toBe('NetBT');
      expect(netbt.packet.errorCode).toBe(0xc00010e1);
      expect(netbt.inserts).toEqual(['', 'DESKTOP-1N4R894:0', '74.118.138.195', '74.118.138.92']);
    },
  );
});
