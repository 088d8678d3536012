import { describe, expect, it } from 'vitest';
import {
  IMAGE_DOS_HEADER,
  IMAGE_FILE_HEADER,
  IMAGE_OPTIONAL_HEADER32,
  IMAGE_OPTIONAL_HEADER64,
  IMAGE_RESOURCE_DATA_ENTRY,
  IMAGE_RESOURCE_DIRECTORY,
  IMAGE_RESOURCE_DIRECTORY_ENTRY,
  IMAGE_SECTION_HEADER,
} from '../../src/rc-gen/pe-layout.js';

// The sizes and offsets winnt.h gives (sizeof and FIELD_OFFSET), so the one table both the
// writer and the reader use is the documented one.
describe('PE layout tables', () => {
  it('have the sizes of winnt.h', () => {
    expect(IMAGE_DOS_HEADER.size).toBe(64);
    expect(IMAGE_FILE_HEADER.size).toBe(20);
    expect(IMAGE_OPTIONAL_HEADER32.size).toBe(224);
    expect(IMAGE_OPTIONAL_HEADER64.size).toBe(240);
    expect(IMAGE_SECTION_HEADER.size).toBe(40);
    expect(IMAGE_RESOURCE_DIRECTORY.size).toBe(16);
    expect(IMAGE_RESOURCE_DIRECTORY_ENTRY.size).toBe(8);
    expect(IMAGE_RESOURCE_DATA_ENTRY.size).toBe(16);
  });

  it('put the fields at the offsets of winnt.h', () => {
    expect(IMAGE_DOS_HEADER.offset.e_cparhdr).toBe(0x08);
    expect(IMAGE_DOS_HEADER.offset.e_lfanew).toBe(0x3c);
    expect(IMAGE_FILE_HEADER.offset.SizeOfOptionalHeader).toBe(16);
    const o32 = IMAGE_OPTIONAL_HEADER32.offset;
    const o64 = IMAGE_OPTIONAL_HEADER64.offset;
    expect([o32.BaseOfData, o32.ImageBase, o64.ImageBase]).toEqual([24, 28, 24]);
    for (const o of [o32, o64]) {
      expect([o.SectionAlignment, o.FileAlignment, o.MajorOperatingSystemVersion, o.MajorSubsystemVersion]).toEqual([32, 36, 40, 48]);
      expect([o.SizeOfImage, o.SizeOfHeaders, o.CheckSum, o.Subsystem, o.DllCharacteristics, o.SizeOfStackReserve]).toEqual([56, 60, 64, 68, 70, 72]);
    }
    expect([o32.LoaderFlags, o32.NumberOfRvaAndSizes, o32.DataDirectory]).toEqual([88, 92, 96]);
    expect([o64.LoaderFlags, o64.NumberOfRvaAndSizes, o64.DataDirectory]).toEqual([104, 108, 112]);
    expect(IMAGE_SECTION_HEADER.offset.PointerToRawData).toBe(20);
    expect(IMAGE_SECTION_HEADER.offset.Characteristics).toBe(36);
    expect(IMAGE_RESOURCE_DIRECTORY.offset.NumberOfNamedEntries).toBe(12);
  });
});
