// The message tables of a manifest: one MSGnnnnn.bin per <resources> culture, numbered in document
// order, holding every string an item uses under its message id (message-ids.ts), plus the
// Windows texts of the predefined items it uses. mc.exe stores each text in UTF-16 with "\r\n"
// appended and no other change (docs/manifests.md, "Message tables").

import { writeMessageTable, type MessageTableEntry } from '../rc-gen/message-table.js';
import type { Manifest, MessageRef } from './model.js';

export interface ManifestMessageTable {
  /** `MSG00001.bin`, or `<base>_MSG00001.bin` with -z / -b. */
  name: string;
  languageId: number;
  bytes: Uint8Array;
}

/** Every message reference of the manifest, in the order message-ids.ts numbers them. */
export function manifestMessageRefs(manifest: Manifest): MessageRef[] {
  const refs: (MessageRef | undefined)[] = [];
  for (const p of manifest.providers) {
    refs.push(p.message);
    for (const c of p.channels) refs.push(c.message);
    for (const l of p.levels) refs.push(l.message);
    for (const t of p.tasks) refs.push(t.message);
    for (const o of [...p.opcodes, ...p.tasks.flatMap((t) => t.opcodes)]) refs.push(o.message);
    for (const k of p.keywords) refs.push(k.message);
    for (const e of p.events) refs.push(e.message);
    for (const m of p.maps) for (const i of m.items) refs.push(i.message);
    for (const f of p.filters) refs.push(f.message);
  }
  return refs.filter((r): r is MessageRef => r !== undefined && r.messageId !== undefined);
}

/** The message-table entries of one culture (index into manifest.resources). */
export function manifestMessageEntries(manifest: Manifest, resourceIndex: number): MessageTableEntry[] {
  const res = manifest.resources[resourceIndex];
  if (!res) return [];
  const seen = new Set<number>();
  const entries: MessageTableEntry[] = [];
  for (const ref of manifestMessageRefs(manifest)) {
    const id = ref.messageId! >>> 0;
    if (seen.has(id)) continue;
    const text = ref.stringId === '' ? ref.predefinedText : res.strings.get(ref.stringId)?.value;
    if (text === undefined) continue;
    seen.add(id);
    entries.push({ id, text: `${text}\r\n`, unicode: true });
  }
  return entries;
}

export function messageTableFileName(index: number, opts: { baseName: string; binPrefix: boolean }): string {
  const file = `MSG${String(index + 1).padStart(5, '0')}.bin`;
  return opts.binPrefix ? `${opts.baseName}_${file}` : file;
}

/**
 * The tables of the manifest. A manifest without <localization> that uses predefined items still
 * gets one en-US table holding their Windows texts (mc imports them into a default culture).
 */
export function manifestMessageTables(manifest: Manifest, opts: { baseName: string; binPrefix: boolean }): ManifestMessageTable[] {
  if (manifest.resources.length === 0) {
    const entries = manifestMessageRefs(manifest)
      .filter((r) => r.stringId === '' && r.predefinedText !== undefined)
      .map((r) => ({ id: r.messageId! >>> 0, text: `${r.predefinedText}\r\n`, unicode: true }))
      .filter((e, i, all) => all.findIndex((x) => x.id === e.id) === i);
    return entries.length ? [{ name: messageTableFileName(0, opts), languageId: 0x409, bytes: writeMessageTable(entries) }] : [];
  }
  return manifest.resources.map((res, i) => ({
    name: messageTableFileName(i, opts),
    languageId: res.languageId,
    bytes: writeMessageTable(manifestMessageEntries(manifest, i)),
  }));
}
