// FormatMessage rules, one block per rule of src/packet/format-message.ts. Cases marked [W] are
// the results Wine's kernel32 format_msg tests expect from Windows itself (those tests run on
// real Windows); the others follow the FormatMessage and mc documentation.

import { describe, expect, it } from 'vitest';
import { FormatMessageError, formatMessage } from '../../src/packet/format-message.js';
import { findEventMessage, packetInserts, renderEventMessage } from '../../src/packet/render.js';

const fm = formatMessage;

describe('text and line breaks', () => {
  it('copies text and turns LF, CR and CR LF into CR LF [W]', () => {
    expect(fm('test', [])).toBe('test');
    expect(fm('hi\n', [])).toBe('hi\r\n');
    expect(fm('hi\r\n', [])).toBe('hi\r\n');
    expect(fm('\r', [])).toBe('\r\n');
    expect(fm('\r\r\n', [])).toBe('\r\n\r\n');
  });
  it('turns line breaks of the text into spaces with ignoreLineBreaks (MAX_WIDTH_MASK) [W]', () => {
    expect(fm('hi\n', [], { ignoreLineBreaks: true })).toBe('hi ');
    expect(fm('\r\r\n', [], { ignoreLineBreaks: true })).toBe('  ');
    expect(fm('a%nb\r\n', [], { ignoreLineBreaks: true })).toBe('a\r\nb ');
  });
});

describe('inserts %1..%99', () => {
  it('inserts strings in any order, repeatedly [W]', () => {
    expect(fm('%1%2', ['te', 'st'])).toBe('test');
    expect(fm('%1%3%2%1', ['t', 's', 'e'])).toBe('test');
    expect(fm('%1!s!', ['test'])).toBe('test');
  });
  it('reads at most two digits: %100 is insert 10 then "0"', () => {
    const inserts = Array.from({ length: 12 }, (_, i) => `<${i + 1}>`);
    expect(fm('%100|%12|%99x', [...inserts, ...new Array(86).fill('.'), 'N'])).toBe('<10>0|<12>|Nx');
  });
  it('does not reformat line breaks inside an insert', () => {
    expect(fm('[%1]', ['a\nb'])).toBe('[a\nb]');
  });
  it('fails on a missing insert, or keeps the sequence when asked [W]', () => {
    expect(() => fm('%1', [])).toThrow(FormatMessageError);
    expect(() => fm('a %2!d! b', ['x'])).toThrow('message text, character 2: insert %2 is used but there is only 1 insert(s)');
    expect(fm('a %2!d! b %1', ['x'], { missingInsert: 'keep' })).toBe('a %2!d! b x');
  });
  it('copies inserts and %x with their percent sign under ignoreInserts, still applying %0 %n %r %t', () => {
    expect(fm('%1!s! %% %. %n%t%0tail', [], { ignoreInserts: true })).toBe('%1!s! %% %. \r\n\t');
  });
});

describe('printf formats %n!fmt!', () => {
  it('formats numbers with width, flags and precision [W]', () => {
    expect(fm('%1!d!%2!d!%3!d!', [1, 2, 3])).toBe('123');
    expect(fm('%1!4d!', [1])).toBe('   1');
    expect(fm('%1!-4d!', [1])).toBe('1   ');
    expect(fm('%1!4x!', [11])).toBe('   b');
    expect(fm('%1!-4X!', [11])).toBe('B   ');
    expect(fm('%1!4X!', [0x1ab])).toBe(' 1AB');
    expect(fm('%1!4.2u!', [3])).toBe('  03');
    expect(fm('%1!3s!', ['t'])).toBe('  t');
  });
  it('follows C printf for the other flags and sizes', () => {
    expect(fm('%1!08X!', [0xc0040009])).toBe('C0040009');
    expect(fm('%1!#x! %1!#o! %1!+d! %1!05d!', [8])).toBe('0x8 010 +8 00008');
    expect(fm('%1!d! %1!u!', [0xffffffff])).toBe('-1 4294967295');
    expect(fm('%1!I64u! %1!hu!', [0x123456789n])).toBe('4886718345 26505');
    expect(fm('%1!.0d!|%1!.3s!', [0])).toBe('|0');
    expect(fm('%1!.3s!', ['abcdef'])).toBe('abc');
  });
  it('parses decimal and 0x string inserts for numeric formats, refusing other text', () => {
    expect(fm('%1!x! %2!d!', ['255', '0x10'])).toBe('ff 16');
    expect(() => fm('%1!d!', ['\\Device\\Serial0'])).toThrow("insert '\\Device\\Serial0' is not a number for a numeric format");
  });
  it('prints characters from codes or the first character of a string [W]', () => {
    expect(fm('%1!c!%2!c!%3!c!%1!c!', [116, 101, 115])).toBe('test');
    expect(fm('%1!lc!%2!wc!', ['ab', 'cd'])).toBe('ac');
  });
  it('accepts the string size prefixes [W]', () => {
    expect(fm('%1!ls!%1!S!%1!ws!%1!hs!', ['t'])).toBe('tttt');
  });
  it('refuses floating point and unknown conversions, and an unclosed format', () => {
    expect(() => fm('%1!f!', [1])).toThrow("floating-point format '!f!' is not supported by FormatMessage");
    expect(() => fm('%1!q!', [1])).toThrow("'!q!' is not a format FormatMessage understands");
    expect(() => fm('%1!d', [1])).toThrow("format of insert %1 has no closing '!'");
  });
});

describe('* width and precision with an argument array', () => {
  it('takes the width from insert n and the value from the next [W]', () => {
    expect(fm('%1!*s!', [4, 't'])).toBe('   t');
    expect(fm('%1!*.*u!', [5, 3, 1])).toBe('  001');
  });
  it('reads later values after the highest insert used so far [W]', () => {
    const args = [6, 4, 2, 5, 3, 1];
    expect(fm('%1!*.*u!,%1!*.*u!', args)).toBe('  0002, 00003');
    expect(fm('%1!*.*u!,%4!*.*u!', args)).toBe('  0002,  001');
    // A plain insert moves the cursor too: after %3 the value of %1!*s! is insert 4.
    expect(fm('%3 %1!*s!', [2, 'x', 'y', 'z'])).toBe('y  z');
  });
  it('left-justifies a negative * width', () => {
    expect(fm('[%1!*s!]', [-3, 'a'])).toBe('[a  ]');
  });
});

describe('escapes', () => {
  it('%0 ends the output [W]', () => {
    expect(fm('test%0test', [])).toBe('test');
    expect(fm('Name? %0\r\n', [])).toBe('Name? ');
  });
  it('%n %r %t give CR LF, CR and tab [W]', () => {
    expect(fm('%n%r%t', [])).toBe('\r\n\r\t');
  });
  it('%% %. %! and "% " stand for the character [W]', () => {
    expect(fm(' %%%% ', [])).toBe(' %% ');
    expect(fm(' %.%.  %1!d!', [0x1ab])).toBe(' ..  427');
    expect(fm('yah%!%0   ', [])).toBe('yah!');
    expect(fm('% %   ', [])).toBe('    ');
    expect(fm('%q%Z', [])).toBe('qZ');
  });
  it('%b is a space (mc documentation)', () => {
    expect(fm('a%bb', [])).toBe('a b');
  });
  it('a lone % at the end is an error [W]', () => {
    expect(() => fm('test%', [])).toThrow("message text, character 4: '%' at the end of the text is not a complete escape");
    expect(() => fm('%', [])).toThrow(FormatMessageError);
  });
});

describe('Event Viewer rendering (PACKET-REGISTRY.md §1.7)', () => {
  it('uses the device name as %1 and the packet strings from %2', () => {
    const inserts = packetInserts('\\Device\\Serial0', ['COM1', 'x']);
    expect(inserts).toEqual(['\\Device\\Serial0', 'COM1', 'x']);
    expect(renderEventMessage('Port %2 on %1 (%3).\r\n', inserts)).toBe('Port COM1 on \\Device\\Serial0 (x).');
  });
  it('finds a message by full ID in the tables first, then in the IoLogMsg texts', () => {
    const tables = [
      { languageId: 0x407, entries: new Map([[0xc0040009, 'Gerät %1 antwortet nicht.\r\n']]), origin: 'de' },
      { languageId: 0x409, entries: new Map([[0xc0040009, 'Device %1 timed out.\r\n']]), origin: 'en' },
    ];
    expect(findEventMessage(tables, 0xc0040009)).toEqual({ text: 'Gerät %1 antwortet nicht.\r\n', source: 'table' });
    expect(findEventMessage(tables, 0xc0040009, 0x409)).toEqual({ text: 'Device %1 timed out.\r\n', source: 'table' });
    const standard = findEventMessage([], 0xc0040009)!;
    expect(standard.source).toBe('iologmsg');
    expect(renderEventMessage(standard.text, ['\\Device\\Ide\\IdePort0'])).toBe('The device, \\Device\\Ide\\IdePort0, did not respond within the timeout period.');
    expect(findEventMessage([], 0x40060002)).toBeUndefined();
  });
  it('leaves a sequence naming a missing insert as written', () => {
    expect(renderEventMessage('Driver %2, with device <%1>, claimed %3.', ['\\Device\\X'])).toBe('Driver %2, with device <\\Device\\X>, claimed %3.');
  });
});
