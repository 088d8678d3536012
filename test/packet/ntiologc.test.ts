import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IO_LOG_CODES, describeErrorCode, ioLogCodeByName, ntstatusParts } from '../../src/packet/ntiologc.js';

const header = '/usr/share/mingw-w64/include/ntiologc.h';
const hasHeader = existsSync(header);

describe.skipIf(!hasHeader)(`the IO_ERR_* table against mingw-w64 ntiologc.h${hasHeader ? '' : ' (skipped: ' + header + ' not installed)'}`, () => {
  it('has exactly the codes the header defines, with the same values', () => {
    const defined = new Map<string, number>();
    for (const m of readFileSync(header, 'latin1').matchAll(/^#define\s+((?:IO|MCA)_\w+)\s+\(\(NTSTATUS\)(0x[0-9A-Fa-f]+)\)/gm)) {
      defined.set(m[1]!, parseInt(m[2]!, 16));
    }
    expect(defined.size).toBeGreaterThan(130);
    expect(new Map(IO_LOG_CODES.map((c) => [c.name, c.value]))).toEqual(defined);
  });
});

describe('IO_ERR_* table', () => {
  it('names a code with its hex value, or gives the hex alone', () => {
    expect(describeErrorCode(0xc0040009)).toBe('IO_ERR_TIMEOUT (0xC0040009)');
    expect(describeErrorCode(0xc004000b)).toBe('IO_ERR_CONTROLLER_ERROR (0xC004000B)');
    expect(describeErrorCode(-1073479671)).toBe('IO_ERR_TIMEOUT (0xC0040009)'); // signed NTSTATUS
    expect(describeErrorCode(0x40060002)).toBe('0x40060002');
  });

  it('has an IoLogMsg text for every facility-4 code, using only %1..%3 inserts', () => {
    for (const code of IO_LOG_CODES) {
      const { facility } = ntstatusParts(code.value);
      if (facility === 4) {
        expect(code.text, code.name).toBeTruthy();
        expect(code.text!.match(/%([4-9]|\d\d)/), code.name).toBeNull();
      } else {
        expect(facility).toBe(5);
      }
    }
    // The two texts PACKET-REGISTRY.md §1.7 quotes from IoLogMsg.dll.
    expect(ioLogCodeByName('IO_ERR_TIMEOUT')!.text).toBe('The device, %1, did not respond within the timeout period.');
    expect(ioLogCodeByName('io_write_cache_disabled')!.text).toBe('The driver disabled the write cache on device %1.');
  });

  it('splits an NTSTATUS into severity, customer bit, facility and code (§1.8)', () => {
    expect(ntstatusParts(0x80040022)).toEqual({ severity: 2, severityName: 'Warning', customer: false, facility: 4, code: 0x22 });
    expect(ntstatusParts(0xe0040001)).toEqual({ severity: 3, severityName: 'Error', customer: true, facility: 4, code: 1 });
  });
});
