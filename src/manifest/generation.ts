// The generations of mc.exe's manifest mode, each named by the first SDK whose mc.exe writes it
// (docs/manifests.md): they differ in the CRIM template version, the template GUIDs and the header.

export type ManifestGeneration = 'sdk8.1' | 'sdk10.0.10240' | 'sdk10.0.16299' | 'sdk-newest';

export const MANIFEST_GENERATIONS: readonly ManifestGeneration[] = ['sdk8.1', 'sdk10.0.10240', 'sdk10.0.16299', 'sdk-newest'];

export interface GenerationTraits {
  /** CRIM major version: 3 (8.1 SDK to 10.0.15063) or 5 (10.0.16299 on). */
  crimMajor: 3 | 5;
  /** Template GUIDs: chained MD5 bytes (8.1), else the SHA-256 version-5 GUID (10.0.10240 on, in CRIM 3.1 too). */
  templateGuid: 'md5' | 'sha256-v5';
  /** Header layout: the older one (`#include <wmistr.h>` first) or the newer one with its notes block. */
  header: 'older' | 'newer' | 'newest';
}

export const GENERATION_TRAITS: Record<ManifestGeneration, GenerationTraits> = {
  'sdk8.1': { crimMajor: 3, templateGuid: 'md5', header: 'older' },
  'sdk10.0.10240': { crimMajor: 3, templateGuid: 'sha256-v5', header: 'older' },
  'sdk10.0.16299': { crimMajor: 5, templateGuid: 'sha256-v5', header: 'newer' },
  'sdk-newest': { crimMajor: 5, templateGuid: 'sha256-v5', header: 'newest' },
};

export const DEFAULT_GENERATION: ManifestGeneration = 'sdk10.0.16299';

export function isManifestGeneration(s: string): s is ManifestGeneration {
  return (MANIFEST_GENERATIONS as readonly string[]).includes(s);
}
