// The manifest compiler's diagnostic catalogue: codes MC2001–MC2099 (docs/manifests.md, "Diagnostics").
// Same Diagnostic shape and rendering as the .mc compiler, so one formatter serves both.

import { escapeText } from '../binary/codec.js';
import { catalogueDiagnostic, type Diagnostic, type DiagnosticCatalogue } from '../mc/diagnostics.js';
import type { SourcePosition } from './xml.js';

export const MANIFEST_DIAGNOSTICS = {
  xmlSyntax: { code: 'MC2001', severity: 'error', title: 'malformed XML' },
  notAManifest: { code: 'MC2002', severity: 'error', title: 'not an instrumentation manifest' },
  unknownElement: { code: 'MC2003', severity: 'error', title: 'unknown element' },
  unknownAttribute: { code: 'MC2004', severity: 'error', title: 'unknown attribute' },
  missingAttribute: { code: 'MC2005', severity: 'error', title: 'required attribute missing' },
  badValue: { code: 'MC2006', severity: 'error', title: 'malformed attribute value' },
  undefinedReference: { code: 'MC2007', severity: 'error', title: 'reference to an undefined item' },
  undefinedString: { code: 'MC2008', severity: 'error', title: 'reference to an undefined string' },
  duplicate: { code: 'MC2009', severity: 'error', title: 'duplicate name, value or symbol' },
  duplicateEvent: { code: 'MC2010', severity: 'error', title: 'duplicate event value and version' },
  reservedValue: { code: 'MC2011', severity: 'error', title: 'value in a reserved range' },
  typeMismatch: { code: 'MC2012', severity: 'warning', title: 'inType and outType do not fit' },
  badSymbol: { code: 'MC2013', severity: 'error', title: 'symbol is not a C identifier' },
  tooManyProviders: { code: 'MC2014', severity: 'error', title: 'more than 16 providers need automatic message ids' },
  limitExceeded: { code: 'MC2015', severity: 'error', title: 'input exceeds a limit' },
  tooManyErrors: { code: 'MC2016', severity: 'error', title: 'too many errors' },
  missingLocalization: { code: 'MC2017', severity: 'warning', title: 'string missing from a localization' },
  badFieldReference: { code: 'MC2018', severity: 'error', title: 'length or count names no earlier field' },
} as const satisfies DiagnosticCatalogue;

export type ManifestDiagnosticKind = keyof typeof MANIFEST_DIAGNOSTICS;

export function manifestDiagnostic(kind: ManifestDiagnosticKind, message: string, at?: SourcePosition): Diagnostic {
  // Names and values quoted from the manifest are escaped: no control characters on the terminal.
  return catalogueDiagnostic(MANIFEST_DIAGNOSTICS, kind, escapeText(message), at);
}
