#!/usr/bin/env node
// @ts-check
// Third build step: native-reg's Windows build, vendored into dist/vendor/native-reg/ so that the
// live registry works on Windows without an install step (issue 15, docs/registry.md).
//
// native-reg ships win32 prebuilds only, and its install script (node-gyp-build-optional) would run
// on every platform if it were a dependency; as an optional peer it would not come along at all.
// Shipping its JavaScript and its three prebuilt .node files (win32 x64, ia32, arm64; MIT, like
// winmc) keeps a Linux or macOS install free of install scripts while Windows users get the live
// target out of the box. Its loader, node-gyp-build, is a plain dependency of winmc (no scripts).
// src/registry/live.ts prefers a native-reg the user installed, then this copy.

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const out = join(root, 'dist', 'vendor', 'native-reg');
rmSync(out, { recursive: true, force: true });

let source;
try {
  source = dirname(createRequire(join(root, 'package.json')).resolve('native-reg/package.json'));
} catch {
  // A build without the devDependency (npm ci --omit=dev): no live registry in this build.
  console.warn('vendor-native-reg: native-reg is not installed; the build has no live registry backend');
  process.exit(0);
}
const pkg = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
mkdirSync(out, { recursive: true });
cpSync(join(source, 'lib', 'index.js'), join(out, 'lib', 'index.js'));
for (const arch of ['win32-x64', 'win32-ia32', 'win32-arm64']) {
  const prebuild = join(source, 'prebuilds', arch, 'node.napi.node');
  if (existsSync(prebuild)) cpSync(prebuild, join(out, 'prebuilds', arch, 'node.napi.node'));
}
// What node-gyp-build and the loader need of the package.json: its name, version, main, licence.
const kept = { name: pkg.name, version: pkg.version, description: pkg.description, license: pkg.license, repository: pkg.repository, main: pkg.main };
writeFileSync(join(out, 'package.json'), JSON.stringify(kept, null, 2) + '\n');
writeFileSync(
  join(out, 'VENDORED.md'),
  `native-reg ${pkg.version} (${pkg.license}, ${pkg.repository}), copied from the npm package at build time by\n` +
    'scripts/vendor-native-reg.js: lib/index.js and the win32 prebuilds. winmc loads it for the live registry\n' +
    '(src/registry/live.ts) when no native-reg is installed beside it.\n',
);
