// The manifest diagnostic catalogue (MC2001–MC2018): every code has a fixture in
// fixtures/manifest-diagnostics with the exact text winmc prints, a manifest with errors yields no
// model, and hostile inputs are refused quickly with a located error.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/mc/diagnostics.js';
import { MANIFEST_DIAGNOSTICS } from '../../src/manifest/diagnostics.js';
import { looksLikeManifest, parseManifest } from '../../src/manifest/parse.js';
import { repoRoot } from '../support/paths.js';

const dir = join(repoRoot, 'fixtures/manifest-diagnostics');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.man')).sort();

describe('manifest diagnostic fixtures', () => {
  for (const file of fixtures) {
    it(file, () => {
      const sidecar = join(dir, file.replace(/\.man$/, '.json'));
      const limits = existsSync(sidecar) ? (JSON.parse(readFileSync(sidecar, 'utf8')) as { limits?: object }).limits : undefined;
      const result = parseManifest(readFileSync(join(dir, file)), file, limits);
      const expected = readFileSync(join(dir, file.replace(/\.man$/, '.expected')), 'utf8').trimEnd().split('\n');
      expect(result.diagnostics.map((d) => formatDiagnostic(d, file))).toEqual(expected);
      const failed = result.diagnostics.some((d) => d.severity === 'error');
      expect(result.manifest === undefined).toBe(failed);
    });
  }

  it('every catalogue entry has a fixture', () => {
    const covered = new Set(fixtures.map((f) => /^(MC\d{4})/.exec(f)?.[1]));
    expect(Object.values(MANIFEST_DIAGNOSTICS).filter((d) => !covered.has(d.code)).map((d) => d.code)).toEqual([]);
  });
});

const wrap = (inner: string) =>
  `<?xml version="1.0"?>\n<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events">${inner}</instrumentationManifest>`;
const bytes = (s: string) => new TextEncoder().encode(s);

describe('hostile manifests', () => {
  it('10,000-deep nesting is refused at the limit, with its line and column (the parse stops there)', () => {
    const r = parseManifest(bytes(wrap('<a>'.repeat(10_000) + '</a>'.repeat(10_000))));
    expect(r.manifest).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`)).toEqual(['MC2001 2:271 elements nested deeper than 64 levels']);
  });

  it('a 50 MB attribute is refused without building the tree', () => {
    const big = wrap(`<instrumentation x="${'A'.repeat(50 * 1024 * 1024)}"/>`);
    const r = parseManifest(bytes(big));
    expect(r.diagnostics[0]).toMatchObject({ code: 'MC2001', line: 2 });
    expect(r.diagnostics[0]!.message).toMatch(/attribute 'x' longer than 1048576 characters/);
  });

  it('entities other than the five predefined ones are refused, inside attributes too', () => {
    const r = parseManifest(bytes(wrap('<instrumentation><events><provider name="&bomb;"/></events></instrumentation>')));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MC2001']);
    expect(r.diagnostics[0]!.message).toMatch(/entity/);
  });

  it('UTF-8 that is not valid is located at its byte', () => {
    const b = bytes(wrap('<instrumentation/>'));
    const withBad = new Uint8Array([...b.subarray(0, 30), 0xff, ...b.subarray(30)]);
    const r = parseManifest(withBad);
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['MC2001 2:9']);
  });
});

describe('recognising a manifest by its content', () => {
  const doc = wrap('<instrumentation/>');
  it('UTF-8, UTF-8 with BOM, UTF-16LE and BE with and without BOM', () => {
    const le = Buffer.from(doc, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const b of [bytes(doc), bytes('\ufeff' + doc), Buffer.concat([Buffer.from([0xff, 0xfe]), le]), le, be, Buffer.concat([Buffer.from([0xfe, 0xff]), be])])
      expect(looksLikeManifest(b)).toBe(true);
  });
  it('a .mc file, another XML document, or a manifest root after other content is not one', () => {
    expect(looksLikeManifest(bytes('MessageId=1\r\nLanguage=English\r\n<instrumentationManifest>\r\n.\r\n'))).toBe(false);
    expect(looksLikeManifest(bytes('<?xml version="1.0"?><assembly/>'))).toBe(false);
    expect(looksLikeManifest(bytes('<!-- note --><instrumentationManifest xmlns="x"/>'))).toBe(true);
  });
});
