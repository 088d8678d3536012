import { describe, expect, it } from 'vitest';
import { DB_CELL, HBIN_HEADER, NK_CELL, REGF_BASE_BLOCK, SK_CELL, VK_CELL } from '../../src/registry/regf.js';

// The offsets of libregf's format notes, as the hand-written constants had them.
describe('regf layout tables', () => {
  it('base block and hbin header', () => {
    expect(REGF_BASE_BLOCK.size).toBe(512);
    const b = REGF_BASE_BLOCK.offset;
    expect([b.PrimarySequenceNumber, b.SecondarySequenceNumber, b.LastWritten, b.MajorVersion, b.MinorVersion, b.FileType]).toEqual([4, 8, 12, 20, 24, 28]);
    expect([b.FileFormat, b.RootCell, b.HiveBinsDataSize, b.ClusteringFactor, b.FileName, b.Checksum]).toEqual([32, 36, 40, 44, 48, 508]);
    expect(HBIN_HEADER.size).toBe(0x20);
    expect([HBIN_HEADER.offset.Offset, HBIN_HEADER.offset.Size, HBIN_HEADER.offset.Timestamp]).toEqual([4, 8, 20]);
  });

  it('nk, vk, sk and db cells', () => {
    const nk = NK_CELL.offset;
    expect([nk.Flags, nk.LastWritten, nk.Parent, nk.SubkeyCount, nk.VolatileSubkeyCount, nk.SubkeyList, nk.VolatileSubkeyList]).toEqual([2, 4, 16, 20, 24, 28, 32]);
    expect([nk.ValueCount, nk.ValueList, nk.Security, nk.Class, nk.MaxSubkeyNameLength, nk.MaxClassLength]).toEqual([36, 40, 44, 48, 52, 56]);
    expect([nk.MaxValueNameLength, nk.MaxValueDataSize, nk.NameLength, nk.ClassLength, nk.Name]).toEqual([60, 64, 72, 74, 76]);
    const vk = VK_CELL.offset;
    expect([vk.NameLength, vk.DataSize, vk.Data, vk.Type, vk.Flags, vk.Name]).toEqual([2, 4, 8, 12, 16, 20]);
    const sk = SK_CELL.offset;
    expect([sk.Flink, sk.Blink, sk.ReferenceCount, sk.DescriptorSize, sk.Descriptor]).toEqual([4, 8, 12, 16, 20]);
    expect([DB_CELL.offset.SegmentCount, DB_CELL.offset.SegmentList]).toEqual([2, 4]);
  });
});
