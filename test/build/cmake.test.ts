// Issue 16's done-when, end to end: the CMake package (cmake/winmc-config.cmake, found through
// `winmc --cmake-dir`) in a CMake project that cross-compiles two Windows console programs with
// mingw-w64 (test/build/project/): `hello` prints, through FormatMessage on its own module, a
// message of the table winmc_add_messages compiled from msgs.mc, with its insert; `events`
// registers the provider of events.man, writes its event and prints the event's message. Both
// run under Wine. With Ninja and with Makefiles: touching an input rebuilds its program, and
// touching nothing rebuilds nothing. Skips with a message when cmake, ninja, mingw-w64 or Wine
// is missing (.ci/debian-packages.txt lists them).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, winmcBin } from '../support/paths.js';
import { GCC_X64, runUnderWine, which, wineProgram } from '../manifest/support/toolchain.js';

const WINDRES = 'x86_64-w64-mingw32-windres';
const missing = [
  ...['cmake', 'ninja', 'make', GCC_X64, WINDRES].filter((t) => !which(t)),
  ...(wineProgram() ? [] : ['wine']),
  ...(existsSync(join(repoRoot, 'dist/cli/main.js')) ? [] : ['dist/ (npm run build)']),
];
const skipNote = `test/build/cmake: ${missing.join(', ')} not found (apt-get install cmake ninja-build gcc-mingw-w64-x86-64 wine; see .ci/debian-packages.txt): skipped`;
if (missing.length > 0) console.warn(skipNote);

const project = join(repoRoot, 'test/build/project');
let work: string;
let cmakeDir: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'winmc-cmake-'));
  if (missing.length === 0) cmakeDir = spawnSync(process.execPath, [winmcBin, '--cmake-dir'], { encoding: 'utf8' }).stdout.trim();
});
afterAll(() => {
  if (process.env.WINMC_KEEP_BUILD) console.info(`cmake builds kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
});

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000 });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** An input made newer than everything built so far. */
function touch(path: string) {
  const now = new Date(Date.now() + 10);
  utimesSync(path, now, now);
}

interface Build {
  src: string;
  dir: string;
  build(): { code: number | null; out: string };
  /** Whether a build would do nothing, and what the build tool says. */
  upToDate(): { clean: boolean; out: string };
}

function configure(generator: 'Ninja' | 'Unix Makefiles', name: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Build {
  const src = join(work, name, 'src');
  const dir = join(work, name, 'build');
  cpSync(project, src, { recursive: true });
  const r = run('cmake', ['-G', generator, '-S', src, '-B', dir, `-DCMAKE_TOOLCHAIN_FILE=${join(src, 'mingw-w64.cmake')}`, `-Dwinmc_DIR=${cmakeDir}`, ...extra], work, env);
  expect(r.code, r.out).toBe(0);
  const tool = generator === 'Ninja' ? 'ninja' : 'make';
  return {
    src,
    dir,
    build: () => run('cmake', ['--build', dir], work, env),
    upToDate: () => {
      if (tool === 'ninja') {
        const n = run('ninja', ['-C', dir, '-n', '-d', 'explain'], work, env);
        return { clean: n.code === 0 && /ninja: no work to do\./.test(n.out) && !/ninja explain:/.test(n.out), out: n.out };
      }
      // make -q: exit 0 only when every target is up to date (CMake's Makefiles recurse, so also run it and look).
      const m = run('make', ['-C', dir], work, env);
      return { clean: m.code === 0 && !/winmc: compiling|Building|Linking/.test(m.out), out: m.out };
    },
  };
}

/** The programs' output, line ends aside (the C runtime's text mode adds a CR to the message's CR LF). */
function wine(exe: string) {
  const r = runUnderWine(exe);
  return { exitCode: r.exitCode, stdout: r.stdout.replace(/\r+\n/g, '\n'), stderr: r.stderr };
}

function expectPrograms(b: Build, greeting = 'Hello, Wine, from the module\'s own message table.') {
  const hello = wine(join(b.dir, 'hello.exe'));
  expect(hello, hello.stderr).toMatchObject({ exitCode: 0, stdout: `0x40000100 ${greeting}\n` });
  const events = wine(join(b.dir, 'events.exe'));
  expect(events, events.stderr).toMatchObject({ exitCode: 0 });
  expect(events.stdout).toBe('register 0 write 0 unregister 0 template found\n0xB0000001 Hello, Wine, from the event\'s own message.\n');
}

describe.skipIf(missing.length > 0)('winmc_add_messages: a Windows program built with CMake and mingw-w64, run under Wine', () => {
  for (const generator of ['Ninja', 'Unix Makefiles'] as const) {
    // The Ninja build is configured and built where NODE_EXTRA_CA_CERTS names a file that does not
    // exist (node warns about it at every start), the Makefiles build where it is not set: the
    // package runs winmc without the variable when it is set, and as it is otherwise.
    const certs = generator === 'Ninja';
    it(`${generator}: builds both programs; they print their messages under Wine; a touched input rebuilds, nothing touched rebuilds nothing (NODE_EXTRA_CA_CERTS ${certs ? 'set: winmc runs without it' : 'not set'})`, () => {
      const env = { NODE_EXTRA_CA_CERTS: certs ? join(work, 'no-such-ca-bundle.pem') : undefined };
      const b = configure(generator, generator === 'Ninja' ? 'ninja' : 'make', [], env);
      const first = b.build();
      expect(first.code, first.out).toBe(0);
      if (certs) {
        expect(readFileSync(join(b.dir, 'build.ninja'), 'utf8')).toContain('-E env --unset=NODE_EXTRA_CA_CERTS');
        expect(first.out).not.toContain('Ignoring extra certs');
      }
      expect(first.out).toContain('winmc: compiling msgs.mc');
      expect(first.out).toContain('winmc: compiling events.man');
      // The header on the target's include path, the .rc compiled by windres.
      expect(readFileSync(join(b.dir, 'winmc/hello/include/msgs.h'), 'latin1')).toContain('#define MSG_GREETING ((DWORD)1073742080)');
      expect(existsSync(join(b.dir, 'generated/events.h'))).toBe(true);
      expect(first.out).toMatch(/Building RC object [^\n]*msgs\.rc/);
      expectPrograms(b);

      const idle = b.upToDate();
      expect(idle.clean, idle.out).toBe(true);

      // Touching the .mc reruns winmc and rebuilds hello only.
      touch(join(b.src, 'msgs.mc'));
      const again = b.build();
      expect(again.code, again.out).toBe(0);
      expect(again.out).toContain('winmc: compiling msgs.mc');
      expect(again.out).not.toContain('winmc: compiling events.man');
      expect(again.out).toContain('Linking C executable hello.exe');
      expect(again.out).not.toContain('Linking C executable events.exe');
      expect(b.upToDate().clean).toBe(true);

      // The header template, known to the build only through winmc's depfile.
      touch(join(b.src, 'msgs.h.hbs'));
      const templ = b.build();
      expect(templ.out).toContain('winmc: compiling msgs.mc');
      expect(b.upToDate().clean).toBe(true);

      // The manifest.
      touch(join(b.src, 'events.man'));
      const man = b.build();
      expect(man.out).toContain('winmc: compiling events.man');
      expect(man.out).not.toContain('winmc: compiling msgs.mc');
      expect(b.upToDate().clean).toBe(true);

      // A new text: the program prints it.
      const mc = join(b.src, 'msgs.mc');
      writeFileSync(mc, readFileSync(mc, 'latin1').replace("from the module's own message table", 'rebuilt'), 'latin1');
      expect(b.build().code).toBe(0);
      expectPrograms(b, 'Hello, Wine, rebuilt.');

      // A broken .mc: the build fails with winmc's located diagnostic and the old outputs stay.
      writeFileSync(mc, 'MessageId=1\r\nLanguage=English\r\nnever ends\r\n', 'latin1');
      const broken = b.build();
      expect(broken.code).not.toBe(0);
      expect(broken.out).toMatch(/msgs\.mc\(\d+,\d+\) : error MC0014: /);
      expect(readFileSync(join(b.dir, 'winmc/hello/include/msgs.h'), 'latin1')).toContain('MSG_GREETING');
    }, 600_000);
  }

  it('runs the winmc WINMC_EXECUTABLE names instead of the package\'s own', () => {
    const log = join(work, 'wrapper.log');
    const wrapper = join(work, 'my-winmc');
    writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> '${log}'\nexec '${process.execPath}' '${winmcBin}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    const b = configure('Ninja', 'wrapper', [`-DWINMC_EXECUTABLE=${wrapper}`]);
    const r = b.build();
    expect(r.code, r.out).toBe(0);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    // --version at find_package, --list-outputs per source at configure time, then the two compiles.
    expect(calls[0]).toBe('--version');
    expect(calls.filter((c) => c.startsWith('compile --list-outputs'))).toHaveLength(2);
    expect(calls.filter((c) => c.startsWith('compile ') && c.includes('--depfile'))).toHaveLength(2);
  }, 600_000);

  it('refuses a broken source at configure time with winmc\'s diagnostic', () => {
    const src = join(work, 'broken', 'src');
    cpSync(project, src, { recursive: true });
    writeFileSync(join(src, 'msgs.mc'), 'MessageId=1\r\nLanguage=Klingon\r\nx\r\n.\r\n');
    const r = run('cmake', ['-G', 'Ninja', '-S', src, '-B', join(work, 'broken', 'build'), `-DCMAKE_TOOLCHAIN_FILE=${join(src, 'mingw-w64.cmake')}`, `-Dwinmc_DIR=${cmakeDir}`], work);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('winmc_add_messages(hello): winmc could not compile msgs.mc');
    expect(r.out).toMatch(/msgs\.mc\(2,\d+\) : error MC0012: /);
  }, 600_000);
});
