// The resources a manifest compile puts in a .res or a provider DLL: one RT_MESSAGETABLE per
// culture and the WEVT_TEMPLATE, in the order and with the languages that rc.exe (and llvm-rc)
// give the generated .rc: each table under its own LANGUAGE statement, and the template under
// the last one (docs/manifests.md, "Resources").

import { MEMORY_FLAGS_DEFAULT, RT_MESSAGETABLE, type ResourceEntry } from '../rc-gen/res.js';

export const WEVT_TEMPLATE = 'WEVT_TEMPLATE';

export interface ManifestResourceFiles {
  tables: { languageId: number; bytes: Uint8Array }[];
  template: Uint8Array;
}

const entry = (type: ResourceEntry['type'], languageId: number, data: Uint8Array): ResourceEntry => ({
  type,
  name: 1,
  languageId,
  memoryFlags: MEMORY_FLAGS_DEFAULT,
  dataVersion: 0,
  version: 0,
  characteristics: 0,
  data,
});

export function manifestResourceEntries(files: ManifestResourceFiles): ResourceEntry[] {
  const entries = files.tables.map((t) => entry(RT_MESSAGETABLE, t.languageId, t.bytes));
  // A manifest without localization gets an .rc without LANGUAGE: llvm-rc (and rc.exe on an
  // English system) then uses en-US.
  entries.push(entry(WEVT_TEMPLATE, files.tables[files.tables.length - 1]?.languageId ?? 0x0409, files.template));
  return entries;
}
