// Event Viewer's description of a driver event (PACKET-REGISTRY.md §1.7): the message whose full
// 32-bit ID equals the packet's ErrorCode, formatted with the event's string array, where
//   %1      = the device object name the I/O manager added (may be empty),
//   %2..%n  = the driver's insertion strings, in order (packet.strings[0] is %2).
// For a decoded event those are the record's strings as stored ([0] is the device name); for a
// driver packet the device name is given separately and the packet's own strings follow it.

import type { MessageTableSet } from '../rc-gen/message-source.js';
import { findMessage } from '../rc-gen/message-source.js';
import { formatMessage } from './format-message.js';
import { ioLogCodeByValue } from './ntiologc.js';

/** The FormatMessage inserts of a driver packet: the device name, then the packet's strings. */
export function packetInserts(deviceName: string, packetStrings: readonly string[]): string[] {
  return [deviceName, ...packetStrings];
}

export interface FoundMessage {
  text: string;
  /** 'table' when a given message table has the ID, 'iologmsg' for this project's IoLogMsg texts. */
  source: 'table' | 'iologmsg';
}

/**
 * Looks the full ID up the way Event Viewer walks EventMessageFile: the given tables in order
 * (preferring `languageId`), then the standard IoLogMsg texts of ntiologc.ts.
 */
export function findEventMessage(tables: readonly MessageTableSet[], id: number, languageId?: number): FoundMessage | undefined {
  const text = findMessage(tables, id, languageId);
  if (text !== undefined) return { text, source: 'table' };
  const standard = ioLogCodeByValue(id)?.text;
  return standard === undefined ? undefined : { text: standard, source: 'iologmsg' };
}

/**
 * Formats a message for display as Event Viewer does: inserts from the event's strings, a
 * sequence naming a missing insert left as written, and the message's final line break dropped.
 */
export function renderEventMessage(template: string, inserts: readonly string[]): string {
  return formatMessage(template, inserts, { missingInsert: 'keep' }).replace(/(\r\n)+$/, '');
}
