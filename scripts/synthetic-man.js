#!/usr/bin/env node
// @ts-check
// Seeded generator of synthetic instrumentation manifests for the benchmark and the fuzzer:
// one provider with N events spread over channels, levels, tasks with their own opcodes,
// keywords, value and bit maps, and templates of every field kind (fixed and counted arrays,
// lengths taken from earlier fields, structs), with an en-US string for every message.
//
//   node scripts/synthetic-man.js COUNT [SEED] > out.man
//
// The same COUNT and SEED always give the same bytes.

import { pathToFileURL } from 'node:url';
import { prng } from './synthetic-mc.js';

const IN_TYPES = [
  ['UInt8', 'xs:unsignedByte'], ['Int16', 'xs:short'], ['UInt16', 'xs:unsignedShort'], ['Int32', 'xs:int'], ['UInt32', 'xs:unsignedInt'],
  ['Int64', 'xs:long'], ['UInt64', 'xs:unsignedLong'], ['Float', 'xs:float'], ['Double', 'xs:double'], ['Boolean', 'xs:boolean'],
  ['GUID', 'xs:GUID'], ['Pointer', 'win:HexInt64'], ['FILETIME', 'xs:dateTime'], ['SYSTEMTIME', 'xs:dateTime'], ['HexInt32', 'win:HexInt32'],
  ['UnicodeString', 'xs:string'], ['AnsiString', 'xs:string'], ['SID', 'xs:string'],
];
const WORDS = 'device driver request buffer queue timeout port adapter volume disk packet memory handle service transfer session file'.split(' ');

/**
 * An instrumentation manifest of `count` events, the same text for the same seed.
 * @param {number} count
 * @returns {string}
 */
export function syntheticManifest(count, seed = 1) {
  const rnd = prng(seed);
  /** @type {<T>(a: readonly T[]) => T} */
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  /** @type {string[]} */
  const strings = [];
  const string = (/** @type {string} */ id, /** @type {string} */ text) => (strings.push(`        <string id="${id}" value="${text}"/>`), `$(string.${id})`);
  const out = [];
  const tasks = Math.max(1, Math.min(200, Math.ceil(count / 50)));
  const templates = Math.max(1, Math.min(2000, Math.ceil(count / 5)));
  const guid = (/** @type {number} */ n) => `{${(0x5b1e0000 + n).toString(16).padStart(8, '0')}-2c5e-4f47-9a3b-${(n * 7919).toString(16).padStart(12, '0')}}`;

  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push('<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events" xmlns:win="http://manifests.microsoft.com/win/2004/08/windows/events" xmlns:xs="http://www.w3.org/2001/XMLSchema">');
  out.push('  <instrumentation>', '    <events>');
  out.push(`      <provider name="Synthetic-Provider" guid="${guid(0)}" symbol="SYNTHETIC_PROVIDER" resourceFileName="synthetic.dll" messageFileName="synthetic.dll" message="${string('provider', 'Synthetic provider')}">`);
  out.push('        <channels>');
  out.push(`          <channel name="Synthetic/Operational" chid="Op" type="Operational" symbol="CH_OPERATIONAL" enabled="true" message="${string('ch.op', 'Operational')}"/>`);
  out.push(`          <channel name="Synthetic/Analytic" chid="An" type="Analytic" symbol="CH_ANALYTIC" message="${string('ch.an', 'Analytic')}"/>`);
  out.push('          <importChannel name="System" chid="Sys"/>');
  out.push('        </channels>');
  out.push('        <levels>');
  for (let i = 0; i < 4; i++) out.push(`          <level name="Level${i}" value="${16 + i}" symbol="LEVEL_${i}" message="${string(`lv.${i}`, `Level ${i}`)}"/>`);
  out.push('        </levels>', '        <tasks>');
  for (let t = 1; t <= tasks; t++) {
    out.push(`          <task name="Task${t}" value="${t}" symbol="TASK_${t}" message="${string(`task.${t}`, `Task ${t}`)}">`);
    out.push('            <opcodes>');
    for (let o = 0; o < 2; o++) out.push(`              <opcode name="Op${o}" value="${10 + o}" symbol="OPCODE_${t}_${o}" message="${string(`op.${t}.${o}`, `Opcode ${o} of task ${t}`)}"/>`);
    out.push('            </opcodes>', '          </task>');
  }
  out.push('        </tasks>', '        <keywords>');
  for (let k = 0; k < 16; k++) out.push(`          <keyword name="Kw${k}" mask="0x${(1n << BigInt(k)).toString(16)}" symbol="KW_${k}" message="${string(`kw.${k}`, `Keyword ${k}`)}"/>`);
  out.push('        </keywords>', '        <maps>');
  out.push('          <valueMap name="StateMap">');
  for (let v = 0; v < 8; v++) out.push(`            <map value="${v}" message="${string(`vm.${v}`, `State ${v}`)}"/>`);
  out.push('          </valueMap>', '          <bitMap name="FlagMap">');
  for (let v = 0; v < 8; v++) out.push(`            <map value="0x${(1 << v).toString(16)}" message="${string(`bm.${v}`, `Flag ${v}`)}"/>`);
  out.push('          </bitMap>', '        </maps>', '        <templates>');
  for (let t = 1; t <= templates; t++) {
    out.push(`          <template tid="T${t}">`);
    const n = 1 + Math.floor(rnd() * 6);
    for (let f = 0; f < n; f++) {
      const kind = rnd();
      const [inType, outType] = pick(IN_TYPES);
      if (kind < 0.1) {
        out.push(`            <data name="Count${f}" inType="win:UInt16"/>`, `            <data name="Items${f}" inType="win:UInt32" count="Count${f}"/>`);
      } else if (kind < 0.18) {
        out.push(`            <data name="Size${f}" inType="win:UInt32"/>`, `            <data name="Blob${f}" inType="win:Binary" length="Size${f}"/>`);
      } else if (kind < 0.24) {
        out.push(`            <data name="State${f}" inType="win:UInt32" map="StateMap"/>`, `            <data name="Flags${f}" inType="win:UInt32" map="FlagMap"/>`);
      } else if (kind < 0.28) {
        out.push(`            <struct name="Pair${f}" count="2">`, `              <data name="Key" inType="win:UInt32"/>`, `              <data name="Value" inType="win:UnicodeString"/>`, '            </struct>');
      } else {
        out.push(`            <data name="${pick(WORDS)}${f}" inType="win:${inType}" outType="${outType}"/>`);
      }
    }
    out.push('          </template>');
  }
  out.push('        </templates>', '        <events>');
  for (let e = 1; e <= count; e++) {
    const task = 1 + (e % tasks);
    const kws = [`Kw${e % 16}`, `Kw${(e * 7) % 16}`].filter((v, i, a) => a.indexOf(v) === i).join(' ');
    const channel = ['Op', 'An', 'Sys'][e % 3];
    const level = e % 5 === 0 ? 'win:Informational' : `Level${e % 4}`;
    const text = `${pick(WORDS)} ${pick(WORDS)} event ${e}: %1`;
    out.push(
      `          <event value="${e}" symbol="EV_${e}" channel="${channel}" level="${level}" task="Task${task}" opcode="Op${e % 2}" keywords="${kws}" template="T${1 + (e % templates)}" message="${string(`ev.${e}`, text)}"/>`,
    );
  }
  out.push('        </events>', '      </provider>', '    </events>', '  </instrumentation>');
  out.push('  <localization>', '    <resources culture="en-US">', '      <stringTable>', ...strings, '      </stringTable>', '    </resources>', '  </localization>');
  out.push('</instrumentationManifest>', '');
  return out.join('\r\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const count = Number(process.argv[2]);
  if (!Number.isInteger(count) || count < 1) {
    console.error('usage: node scripts/synthetic-man.js COUNT [SEED] > out.man');
    process.exit(2);
  }
  process.stdout.write(syntheticManifest(count, Number(process.argv[3] ?? 1)));
}
