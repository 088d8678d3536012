// The resolved model of an .mc file: what the writers (.h, .rc, .bin, .dbg) and user templates see.
// docs/templates.md documents these fields for template authors.

import type { Flavor } from './flavors.js';

export interface NameDefine {
  name: string;
  alias: string;
  value: number;
  /** The value as the header prints it: `0xFF` (radix 16) or `255` (radix 10). */
  valueText: string;
  /** The whole `#define` line, alias padded to 32 columns. */
  define: string;
}

export interface BannerItem {
  facilities: NameDefine[];
  severities: NameDefine[];
  /** -o: the HRESULT layout instead of the NTSTATUS-style one. */
  hresult: boolean;
}

export interface MessageText {
  language: string;
  languageId: number;
  text: string;
}

export interface HeaderMessage {
  symbolicName?: string;
  /** Full 32-bit value, unsigned. */
  value: number;
  /** `0xC0020001` (8 upper-case hex digits). */
  valueHex: string;
  severity: number;
  severityName: string;
  facility: number;
  facilityName: string;
  code: number;
  customer: boolean;
  /** The value as its #define prints it, with the typedef cast or macro in effect: `((DWORD)0xC0020001L)`. */
  defineValue: string;
  /** MessageIdTypedef (or MessageIdTypedefMacro) in effect for this message, if any. */
  typedef?: string;
  typedefIsMacro: boolean;
  /** The whole `#define` line, symbolic name padded to 32 columns (empty without a symbolic name). */
  define: string;
  /** The first language's text split into lines, without line ends. */
  textLines: string[];
  /** Every language's text, in the order of the message's Language blocks. */
  texts: MessageText[];
  line: number;
}

export type HeaderItem =
  | { comment: { text: string; lineEnd: boolean } }
  | { banner: BannerItem }
  | { message: HeaderMessage };

export interface LanguageOutput {
  name: string;
  id: number;
  /** LANGUAGE statement parts: primary and sub language, lower-case hex without leading zeros. */
  primary: string;
  sub: string;
  /** .bin file name with any -b/-z prefix, and the form the .rc uses (quoted or not). */
  binName: string;
  binReference: string;
  messages: { value: number; text: string }[];
}

export interface McModel {
  flavor: Flavor;
  baseName: string;
  /** baseName made a C identifier (for names in generated code). */
  baseIdentifier: string;
  items: HeaderItem[];
  messages: HeaderMessage[];
  /** Languages that have at least one message text, in the flavor's table order. */
  languages: LanguageOutput[];
}
