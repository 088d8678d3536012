// --res and --dll for manifests: the .res winmc writes equals llvm-rc-14's on the .rc, TEMP.BIN
// and MSGnnnnn.bin winmc writes (and Wine wrc's), and the provider DLL carries the same
// resources, WEVT_TEMPLATE included, as the PE reader sees them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileManifest } from '../../src/manifest/compile.js';
import { manifestResourceEntries, WEVT_TEMPLATE } from '../../src/manifest/resources.js';
import { readPeResources, writeResourceDll } from '../../src/rc-gen/pe.js';
import { readRes, writeResEntries } from '../../src/rc-gen/res.js';
import { hasCorpus, manifestCorpusCases } from '../support/paths.js';
import { hasTool, LLVM_RC, run, tempDir, WRC } from '../rc-gen/peers.js';

const hasLlvmRc = hasTool(LLVM_RC);
const hasWrc = hasTool(WRC, ['--version']);
const cases = manifestCorpusCases().map((c) => ({ name: c.name, path: c.input, input: c.inputName, z: c.zGiven ? c.baseName : undefined }));

describe.skipIf(!hasCorpus || !hasLlvmRc)(`manifest --res equals ${LLVM_RC} on winmc's .rc, TEMP.BIN and tables (skipped without corpus or llvm-rc)`, () => {
  const work = tempDir('man-res');
  it.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const result = compileManifest(readFileSync(c.path), { inputName: c.input, userMode: true, baseName: c.z });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    for (const f of result.files) writeFileSync(join(dir, f.name), f.bytes);
    const tables = result.files.filter((f) => f.kind === 'bin').map((f) => ({ languageId: f.languageId!, bytes: f.bytes }));
    const template = result.files.find((f) => f.kind === 'template')!.bytes;
    const entries = manifestResourceEntries({ tables, template });
    const res = writeResEntries(entries);
    const rc = result.files.find((f) => f.kind === 'rc')!.name;
    run(LLVM_RC, ['-no-cpp', '/fo', 'llvm.res', rc], dir);
    expect(Buffer.from(res).equals(readFileSync(join(dir, 'llvm.res')))).toBe(true);
    // Without a LANGUAGE statement the peers disagree: llvm-rc uses en-US, wrc LANG_NEUTRAL.
    if (hasWrc && tables.length > 0) {
      run(WRC, ['-o', 'wrc.res', rc], dir);
      expect(Buffer.from(res).equals(readFileSync(join(dir, 'wrc.res'))), 'wrc').toBe(true);
    }
    // The DLL holds the same resources: the template under the WEVT_TEMPLATE type, name 1.
    const dll = writeResourceDll(entries.map((e) => ({ type: e.type, name: e.name, languageId: e.languageId, codepage: 0, data: e.data })), { machine: 'x64' });
    const back = readPeResources(dll);
    const wevt = back.find((r) => r.type === WEVT_TEMPLATE);
    expect(wevt && Buffer.from(wevt.data).equals(Buffer.from(template))).toBe(true);
    expect(back.filter((r) => r.type === 11).length).toBe(tables.length);
    expect(readRes(res).length).toBe(entries.length);
  });
});
