#!/usr/bin/env node
// @ts-check
// Seeded generator of synthetic .mc files for the benchmark: N messages, two languages
// (English and German), CR LF line ends, plain ASCII, and an explicit MessageId, Severity and
// Facility on every message so that winmc, windmc and wmc all accept the file and agree on
// every value (their rules for implicit ids differ; explicit ones do not).
//
//   node scripts/synthetic-mc.js COUNT [SEED] > out.mc
//
// The same COUNT and SEED always give the same bytes.

import { pathToFileURL } from 'node:url';

/** Messages per facility: message codes are 16-bit, so 100k messages need several facilities. */
const PER_FACILITY = 20000;
const FACILITIES = 8;
const SEVERITIES = ['Success', 'Informational', 'Warning', 'Error'];
const WORDS = (
  'device driver request buffer queue timeout port adapter controller volume disk sector ' +
  'packet interrupt resource memory handle object registry service transfer channel status ' +
  'parameter firmware address network protocol session security account file directory'
).split(' ');
const VERBS = ['failed', 'could not be completed', 'was reset', 'timed out', 'returned an error', 'is not ready', 'was rejected'];

/**
 * mulberry32: a small, fast, seedable PRNG; Math.random cannot be seeded.
 * @param {number} seed
 * @returns {() => number} a number in [0, 1) per call
 */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A .mc file of `count` messages, the same text for the same seed.
 * @param {number} count
 * @returns {string}
 */
export function syntheticMc(count, seed = 1) {
  if (!Number.isInteger(count) || count < 1 || count > PER_FACILITY * FACILITIES) {
    throw new RangeError(`message count must be 1..${PER_FACILITY * FACILITIES}, not ${count}`);
  }
  const random = prng(seed);
  const pick = (/** @type {readonly string[]} */ list) => list[Math.floor(random() * list.length)];
  const sentence = (/** @type {number} */ words) => {
    /** @type {string[]} */
    const out = [];
    for (let i = 0; i < words; i++) out.push(pick(WORDS));
    return out.join(' ');
  };

  /** @type {string[]} */
  const parts = [];
  const line = (s = '') => parts.push(s, '\r\n');
  line('; Synthetic message file for the winmc benchmark (scripts/synthetic-mc.js).');
  line(`; ${count} messages, seed ${seed}.`);
  line();
  line('MessageIdTypedef=DWORD');
  line();
  line('SeverityNames=(Success=0x0:STATUS_SEVERITY_SUCCESS');
  line('               Informational=0x1:STATUS_SEVERITY_INFORMATIONAL');
  line('               Warning=0x2:STATUS_SEVERITY_WARNING');
  line('               Error=0x3:STATUS_SEVERITY_ERROR');
  line('              )');
  line();
  line('FacilityNames=(');
  for (let f = 0; f < FACILITIES; f++) line(`               Bench${f}=0x${(0x100 + f).toString(16)}:FACILITY_BENCH${f}`);
  line('              )');
  line();
  line('LanguageNames=(English=0x409:MSG00409)');
  line('LanguageNames=(German=0x407:MSG00407)');
  line();
  for (let i = 0; i < count; i++) {
    const facility = Math.floor(i / PER_FACILITY);
    const code = (i % PER_FACILITY) + 1;
    if (i % 500 === 0) {
      line(`; Group ${i / 500}: ${sentence(6)}.`);
      line();
    }
    const symbol = `BENCH_${pick(WORDS).toUpperCase()}_${i}`;
    line(`MessageId=0x${code.toString(16)}`);
    line(`Severity=${pick(SEVERITIES)}`);
    line(`Facility=Bench${facility}`);
    line(`SymbolicName=${symbol}`);
    line('Language=English');
    const lines = 1 + Math.floor(random() * 2);
    for (let l = 0; l < lines; l++) line(`The ${sentence(2)} %${l + 1} ${pick(VERBS)}: ${sentence(3)}.`);
    line('.');
    line('Language=German');
    line(`Der ${sentence(2)} %1 meldet ${sentence(3)}.`);
    line('.');
    line();
  }
  return parts.join('');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const count = Number(process.argv[2]);
  const seed = process.argv[3] === undefined ? 1 : Number(process.argv[3]);
  process.stdout.write(syntheticMc(count, seed));
}
