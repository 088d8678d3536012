// BinXML token values shared by the .evtx reader (reader.ts) and the template writer (writer.ts).
export { TOKEN, VALUE_TYPE } from './reader.js';

/** Bit set on element, attribute, value and reference tokens: "has attributes" / "more follow". */
export const MORE_FLAG = 0x40;

/** Fragment header version written by mc.exe (and wevtutil): 1.1. */
export const FRAGMENT_MAJOR = 1;
export const FRAGMENT_MINOR = 1;

/** The 16-bit name hash of BinXML names: h = h * 65599 + c over UTF-16 code units, low 16 bits. */
export function nameHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 65599) + name.charCodeAt(i)) | 0;
  return h & 0xffff;
}
