// compile-core.ts: the pipeline without the grammar parser. A well-formed file compiles to the
// same bytes as compileMc; a file with a syntax error needs parser.ts, and `winmc compile` loads
// it (and chevrotain) only then: checked by watching which modules a real CLI process resolves.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileMcWith } from '../../src/mc/compile-core.js';
import { compileMc } from '../../src/mc/compile.js';
import { parseStream } from '../../src/mc/parser.js';
import { repoRoot } from '../support/paths.js';

const GOOD = ['MessageId=1 Severity=Error SymbolicName=MSG_ONE', 'Language=English', 'The first %1.', '.', ''].join('\r\n');
// `Severity=` with no name: a syntax error, which only the grammar parser reports.
const BAD = ['MessageId=1 Severity= SymbolicName=MSG_ONE', 'Language=English', 'The first %1.', '.', ''].join('\r\n');
const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('compileMcWith', () => {
  it('compiles a well-formed file without the grammar parser, to the bytes compileMc gives', () => {
    const alone = compileMcWith(bytes(GOOD), { inputName: 'good.mc' });
    const full = compileMc(bytes(GOOD), { inputName: 'good.mc' });
    expect(alone).toBeDefined();
    expect(alone!.files.map((f) => [f.name, Buffer.from(f.bytes).toString('hex')])).toEqual(full.files.map((f) => [f.name, Buffer.from(f.bytes).toString('hex')]));
    expect(alone!.diagnostics).toEqual([]);
  });

  it('gives undefined for a file with a syntax error, and with the parser the diagnostics compileMc gives', () => {
    expect(compileMcWith(bytes(BAD), { inputName: 'bad.mc' })).toBeUndefined();
    const withParser = compileMcWith(bytes(BAD), { inputName: 'bad.mc' }, parseStream);
    const full = compileMc(bytes(BAD), { inputName: 'bad.mc' });
    expect(withParser.files).toEqual([]);
    expect(withParser.diagnostics.length).toBeGreaterThan(0);
    expect(withParser.diagnostics).toEqual(full.diagnostics);
    expect(full.diagnostics[0]).toMatchObject({ severity: 'error', line: 1 });
    // The second call of the CLI, told that the direct reading declined: the grammar parser alone, the same diagnostics.
    expect(compileMcWith(bytes(BAD), { inputName: 'bad.mc' }, parseStream, true).diagnostics).toEqual(full.diagnostics);
  });

  it('with directDeclined, reads even a well-formed file by the grammar parser alone, to the same bytes', () => {
    let calls = 0;
    const counted: typeof parseStream = (...args) => (calls++, parseStream(...args));
    compileMcWith(bytes(GOOD), { inputName: 'good.mc' }, counted);
    expect(calls).toBe(0);
    const grammarOnly = compileMcWith(bytes(GOOD), { inputName: 'good.mc' }, counted, true);
    expect(calls).toBe(1);
    const full = compileMc(bytes(GOOD), { inputName: 'good.mc' });
    expect(grammarOnly.diagnostics).toEqual([]);
    expect(grammarOnly.files.map((f) => [f.name, Buffer.from(f.bytes).toString('hex')])).toEqual(full.files.map((f) => [f.name, Buffer.from(f.bytes).toString('hex')]));
  });
});

const distMain = join(repoRoot, 'dist', 'cli', 'main.js');
const built = existsSync(distMain);

describe.skipIf(!built)(`winmc compile loads chevrotain only for a file with an error${built ? '' : ' (skipped: run npm run build first)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'winmc-lazy-parser-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A module resolve hook (run on node's hooks thread) that logs every URL it resolves.
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    [
      "import { appendFileSync } from 'node:fs';",
      'let log;',
      'export function initialize(data) { log = data.log; }',
      'export async function resolve(specifier, context, next) {',
      '  const r = await next(specifier, context);',
      "  appendFileSync(log, r.url + '\\n');",
      '  return r;',
      '}',
    ].join('\n'),
  );

  /** Runs dist/cli/main.js `compile` on one file; the exit code, stderr and the module URLs it resolved. */
  function run(name: string, text: string): { code: number; stderr: string; urls: string[] } {
    const input = join(dir, name);
    writeFileSync(input, bytes(text));
    const log = join(dir, `${name}.modules`);
    writeFileSync(log, '');
    const register = `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { log: ${JSON.stringify(log)} } });`;
    const script = `import(${JSON.stringify(pathToFileURL(distMain).href)}).then(async (m) => { process.exitCode = await m.main(['compile', '-h', ${JSON.stringify(dir)}, '-r', ${JSON.stringify(dir)}, ${JSON.stringify(input)}]); });`;
    let code = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { status: number; stderr: Buffer };
      code = e.status;
      stderr = e.stderr.toString();
    }
    return { code, stderr, urls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  }
  const chevrotain = (urls: string[]) => urls.filter((u) => u.includes('/node_modules/chevrotain/'));
  const parserModule = (urls: string[]) => urls.filter((u) => u.endsWith('/dist/mc/parser.js'));

  it('a well-formed file: compiled, and neither parser.ts nor chevrotain resolved', () => {
    const r = run('good.mc', GOOD);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'good.h'))).toBe(true);
    // The hook sees the CLI's own modules (the check is alive), and not the parser's.
    expect(r.urls.some((u) => u.endsWith('/dist/mc/compile-core.js'))).toBe(true);
    expect(parserModule(r.urls)).toEqual([]);
    expect(chevrotain(r.urls)).toEqual([]);
  });

  it('a file with a syntax error: parser.ts and chevrotain loaded, the located diagnostic, exit 1, nothing written', () => {
    const r = run('bad.mc', BAD);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.mc\(1,\d+\) : error MC\d{4}: /);
    expect(existsSync(join(dir, 'bad.h'))).toBe(false);
    expect(parserModule(r.urls)).toHaveLength(1);
    expect(chevrotain(r.urls).length).toBeGreaterThan(0);
  });
});
