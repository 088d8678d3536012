// Message ids of a manifest's localized strings, as mc.exe numbers them (docs/manifests.md,
// "Message ids"): (tag << 28) | (provider index << 24) | a 24-bit value, where the tag names the
// kind of item:
//
//   0x1 keyword: bit position + 1       0x3 opcode: (task & 0xFF) << 16 | opcode
//   0x5 level: value; filter: 0x80 << 16 | version << 8 | value
//   0x7 task: value                     0x9 provider, then channels: a counter from 1
//   0xB event: version << 16 | id (tag 0 when the event is in System, Application or Security)
//   0xD value-map items, 0xF bit-map items: one counter each, over all maps of the provider
//
// Items are taken provider by provider in this order: provider, channels, levels, tasks, opcodes
// (the provider's, then each task's), keywords, events, map items, filters. A string used by
// several items keeps the id of its first use (their messages are one message-table entry).
// Predefined levels, tasks, opcodes and keywords keep winmeta's ids (preset by the parser); a
// Windows channel's string is numbered like the provider's own channels.

import type { Channel, Event, Manifest, MessageRef, Provider } from './model.js';

/** System (8), Application (9) and Security (10): events in them get message ids with tag 0. */
export function isGlobalChannel(c: Channel | undefined): boolean {
  return c !== undefined && c.imported && c.predefined === true && c.value >= 8 && c.value <= 10;
}

export function assignMessageIds(manifest: Manifest): void {
  const byString = new Map<string, number>();
  const byPredefinedChannel = new Map<string, number>();
  for (const p of manifest.providers) assignProvider(p, byString, byPredefinedChannel);
}

function assignProvider(p: Provider, byString: Map<string, number>, byPredefinedChannel: Map<string, number>): void {
  let counter = 1;
  let valueMapCounter = 1;
  let bitMapCounter = 1;
  const id = (tag: number, value: number) => ((tag << 28) | ((p.index & 0xf) << 24) | (value & 0xffffff)) >>> 0;
  // `make` runs only when the string has no id yet, so the counters skip reused strings.
  const assign = (ref: MessageRef | undefined, make: () => number) => {
    if (!ref) return;
    if (ref.stringId === '') {
      if (ref.messageId === undefined && ref.predefinedText !== undefined) ref.messageId = make();
      return;
    }
    const prev = byString.get(ref.stringId);
    if (prev !== undefined) {
      ref.messageId = prev;
      return;
    }
    ref.messageId = make();
    byString.set(ref.stringId, ref.messageId);
  };

  assign(p.message, () => id(0x9, counter++));
  for (const c of p.channels) {
    if (c.predefined && c.message && c.message.stringId === '') {
      const key = c.name;
      const prev = byPredefinedChannel.get(key);
      if (prev !== undefined) c.message.messageId = prev;
      else {
        c.message.messageId = id(0x9, counter++);
        byPredefinedChannel.set(key, c.message.messageId);
      }
      continue;
    }
    assign(c.message, () => id(0x9, counter++));
  }
  for (const l of p.levels) assign(l.message, () => id(0x5, l.value));
  for (const t of p.tasks) assign(t.message, () => id(0x7, t.value & 0xffff));
  for (const o of [...p.opcodes, ...p.tasks.flatMap((t) => t.opcodes)]) assign(o.message, () => id(0x3, (((o.task?.value ?? 0) & 0xff) << 16) | (o.value & 0xffff)));
  for (const k of p.keywords) assign(k.message, () => id(0x1, bitLength(k.mask)));
  for (const e of p.events) assign(e.message, () => id(eventTag(e), ((e.version & 0xff) << 16) | (e.value & 0xffff)));
  for (const m of p.maps) {
    for (const item of m.items) {
      if (m.kind === 'valueMap') assign(item.message, () => id(0xd, valueMapCounter++));
      else assign(item.message, () => id(0xf, bitMapCounter++));
    }
  }
  for (const f of p.filters) assign(f.message, () => id(0x5, (0x80 << 16) | ((f.version & 0xff) << 8) | (f.value & 0xff)));
}

function eventTag(e: Event): number {
  return isGlobalChannel(e.channel) ? 0 : 0xb;
}

function bitLength(mask: bigint): number {
  let n = 0;
  for (let m = mask; m !== 0n; m >>= 1n) n++;
  return n;
}
