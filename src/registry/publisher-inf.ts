// INF output for manifest publishers: absolute HKLM AddReg lines, the form Microsoft's driver
// documentation shows for a publisher and its channels written by AddReg ("Porting an INF to follow
// driver package isolation"), plus a DelReg section. Registering deletes ChannelReferences first
// (DelReg runs before AddReg in one install section) so that an older, longer list leaves nothing
// behind; unregistering deletes the publisher key and the channel keys with everything in them, as
// wevtutil um does. Universal (isolated) driver packages should use AddEventProvider instead.

import { hex32 } from '../hex.js';
import { REGISTRY_ERRORS, RegistryError } from './errors.js';
import { FLG_ADDREG_DELVAL, encodeInfText, flagsFor, infData, infString } from './inf.js';
import { type PublisherPlan, describePublisherStep } from './publisher.js';

/** The INF value-name field: empty for the default value, else the name (quoted when it needs it). */
function nameField(name: string): string {
  return name === '' ? '' : /^[A-Za-z0-9_.-]+$/.test(name) ? name : infString(name);
}

export interface PublisherInfOptions {
  /** Fault point for tests: fail after rendering this many lines (nothing is written). */
  faultAfter?: number;
}

export function publisherSectionName(p: PublisherPlan): string {
  const first = p.registration.publishers[0]?.name ?? 'Publisher';
  return first.replace(/[^A-Za-z0-9_.-]/g, '_') + '_Publisher';
}

/** The INF text for `plan`, as bytes: ASCII with CRLF, or UTF-16LE with a BOM when a name needs it. */
export function writePublisherInf(p: PublisherPlan, options: PublisherInfOptions = {}): Uint8Array {
  const install = p.direction === 'register';
  const section = publisherSectionName(p);
  const addReg: string[] = [];
  const delReg: string[] = [];
  let count = 0;
  const emit = (list: string[], line: string) => {
    if (options.faultAfter !== undefined && count >= options.faultAfter) {
      throw new RegistryError(REGISTRY_ERRORS.INJECTED_FAULT, `injected fault after ${count} line(s)`);
    }
    count++;
    list.push(line);
  };
  for (const step of p.steps) {
    const key = infString(step.key);
    switch (step.op) {
      case 'create-key':
        break; // AddReg creates the keys of the values it writes.
      case 'set-value':
        emit(addReg, `HKLM,${key},${nameField(step.name)},${hex32(flagsFor(step.value.type))},${infData(step.value)}`);
        break;
      case 'delete-value':
        emit(addReg, `HKLM,${key},${nameField(step.name)},${hex32(FLG_ADDREG_DELVAL)}`);
        break;
      case 'delete-tree':
      case 'prune-subkeys':
        emit(delReg, `HKLM,${key}`);
        break;
      default:
        throw new RegistryError(REGISTRY_ERRORS.INVALID_FIELD, `INF cannot express: ${describePublisherStep(step)}`);
    }
  }
  const names = p.registration.publishers.map((x) => `'${x.name}' ${x.guid}`).join(', ');
  const lines = [
    `; Event publisher(s) ${names} (${p.direction}), written by winmc.`,
    '; A complete INF; copy the sections below [Version] into a package INF to use them there.',
    '',
    '[Version]',
    'Signature = "$Windows NT$"',
    '',
  ];
  if (install) {
    lines.push(
      `; Run [${section}_Install] (SetupInstallFromInfSection, or Include/Needs from an install section).`,
      '; DelReg runs before AddReg: the old ChannelReferences go first, then the new ones are written.',
      '; Windows 10 1809 and later: universal driver packages use AddEventProvider in DDInstall.Events instead.',
      '',
      `[${section}_Install]`,
      `DelReg = ${section}_DelReg`,
      `AddReg = ${section}_AddReg`,
      '',
      `[${section}_DelReg]`,
      ...delReg,
      '',
      `[${section}_AddReg]`,
      ...addReg,
    );
  } else {
    lines.push(
      `; Run [${section}_Uninst] as an uninstall section. Each line deletes a key with all it holds;`,
      "; the channel keys are deleted without checking their OwningPublisher, which an INF cannot test.",
      '',
      `[${section}_Uninst]`,
      `DelReg = ${section}_DelReg`,
      '',
      `[${section}_DelReg]`,
      ...delReg,
    );
  }
  return encodeInfText(lines.join('\r\n') + '\r\n');
}
