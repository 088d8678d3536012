// Templates as straight-line JavaScript, for the subset the package's .mc templates use.
//
// Handlebars' runtime renders each block through several generic calls (the helper, its options
// object, a wrapped program, a data frame, lookupProperty per path part). In a one-shot compile
// that code runs mostly in V8's interpreter, and rendering the header of a large file was the
// second-largest part of its time (docs/performance.md). `npm run build` (scripts/bundle.js)
// turns each package template's handlebars AST (after handlebars' own whitespace control) into
// the body of a function that builds the same text with plain loops and ifs; render.ts runs it
// and falls back to handlebars for any template this subset does not cover, and for any value
// whose handlebars output this code does not reproduce exactly:
//
//   supported                         handlebars semantics reproduced
//   text, comments                    the text as whitespace control left it
//   {{path}} {{this}} {{@root.path}}  a string, or nothing for null/undefined; any other value
//                                     (a number, a boolean, an object, a function) falls back
//   {{#if p}} {{#unless p}} {{else}}  false for a falsy value or an empty array; a function falls back
//   {{#each p}}                       over an array (holes skipped), the inverse when empty,
//                                     missing or not an object; any other object falls back
//   {{#*inline "n"}} at the top,      the partial's text with the given context (no hash, no indent)
//   {{> n ctx}}
//
// Path parts are read as handlebars' lookupProperty reads them: own properties only (an
// inherited value falls back, so handlebars gives its own answer and warning); a context path
// stops at null/undefined, a data path (@root) at any falsy value, as handlebars' generated
// code does. Each part is read where it is used (`t.name`), so that every place keeps its own
// property cache. test/mc/template-direct.test.ts renders every fixture and corpus model both ways.

/** Thrown by the generated code where only handlebars knows the answer: render.ts falls back. */
export const FALLBACK: unique symbol = Symbol('template fallback');

const hasOwn = Object.prototype.hasOwnProperty;

/** The helpers the generated code calls, as `rt`. */
const RUNTIME = {
  /**
   * lookupProperty's check of a value the generated code has read itself (`parent.name` at the
   * place of use, so each place keeps its own property cache: one shared `parent[name]` saw every
   * name and every shape and was the slowest read V8 has).
   */
  o(parent: unknown, name: string, value: unknown): unknown {
    if (value == null || hasOwn.call(parent, name)) return value;
    throw FALLBACK;
  },
  /** What a mustache appends. */
  s(value: unknown): string {
    if (typeof value === 'string') return value;
    if (value == null) return '';
    throw FALLBACK;
  },
  /** The if helper's test. */
  t(value: unknown): boolean {
    if (typeof value === 'function') throw FALLBACK;
    return !(!value || (Array.isArray(value) && value.length === 0));
  },
  /** The each helper's context: the array to iterate, or undefined for the inverse. */
  e(value: unknown): unknown[] | undefined {
    if (typeof value === 'function') throw FALLBACK;
    if (!value || typeof value !== 'object') return undefined;
    if (!Array.isArray(value)) throw FALLBACK;
    return value.length === 0 ? undefined : value;
  },
};

/**
 * `plain`: every object in the model is a plain object or array (own data properties, the
 * standard prototypes), as the models compileMc builds are; then a value read is the model's
 * own or undefined, and the generated code skips lookupProperty's check (a call per part read).
 */
export type DirectRenderer = (model: unknown, plain?: boolean) => string;

/** The renderer of a generated body (from compileDirect). */
export function directRenderer(body: string): DirectRenderer {
  const f = new Function('rt', 'root', 'plain', body) as (rt: typeof RUNTIME, root: unknown, plain: boolean) => string;
  return (model, plain = false) => f(RUNTIME, model, plain);
}

// ---------------------------------------------------------------------------------------------
// Build time: handlebars AST (Handlebars.parse, whitespace control applied) to a function body.

interface Node {
  type: string;
  [key: string]: unknown;
}
interface PathNode extends Node {
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
}
interface ProgramNode extends Node {
  body: Node[];
  blockParams?: string[];
}

class Unsupported extends Error {}

const SAFE_PART = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The body of a function `(rt, root) => string` that renders the template of this AST as
 * handlebars does (with TEMPLATE_OPTIONS), or undefined when the template uses anything outside
 * the subset above.
 */
export function compileDirect(ast: unknown): string | undefined {
  try {
    return new Generator().template(ast as ProgramNode);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

class Generator {
  private readonly partials = new Map<string, ProgramNode>();
  private readonly partialCode: string[] = [];
  /** Each `#each` body as its own function, declared at the top (see block()). */
  private readonly bodyCode: string[] = [];
  private depth = 0;

  template(ast: ProgramNode): string {
    if (ast.type !== 'Program') throw new Unsupported();
    // Inline partials are declared at the top level (a decorator runs before the program's text).
    for (const node of ast.body) {
      if (node.type !== 'DecoratorBlock') continue;
      const path = node.path as PathNode;
      const params = node.params as Node[];
      if (path.original !== 'inline' || params.length !== 1 || params[0]!.type !== 'StringLiteral' || node.hash) throw new Unsupported();
      const name = params[0]!.value as string;
      if (this.partials.has(name)) throw new Unsupported();
      this.partials.set(name, node.program as ProgramNode);
    }
    let index = 0;
    for (const [name, program] of this.partials) {
      this.depth = 0;
      const fn = `p${index++}`;
      this.partialCode.push(`function ${fn}(c0) {\nlet t;\n${this.program(program, 'c0', true, false)}}\n`);
      this.partials.set(name, Object.assign({}, program, { fnName: fn }));
    }
    this.depth = 0;
    const main = this.program(ast, 'c0', false, true);
    return `'use strict';\nconst o = [];\nlet t;\n${this.partialCode.join('')}${this.bodyCode.join('')}const c0 = root;\n${main}return o.join('');\n`;
  }

  private program(p: ProgramNode, ctx: string, inPartial: boolean, top = false): string {
    if (p.type !== 'Program' || (p.blockParams && p.blockParams.length > 0)) throw new Unsupported();
    let code = '';
    let text = '';
    const flush = () => {
      if (text !== '') code += `o.push(${JSON.stringify(text)});\n`;
      text = '';
    };
    for (const node of p.body) {
      switch (node.type) {
        case 'ContentStatement':
          text += node.value as string;
          break;
        case 'CommentStatement':
          break;
        case 'DecoratorBlock':
          // Only top-level inline partials, collected by template().
          if (!top) throw new Unsupported();
          break;
        case 'MustacheStatement':
          flush();
          if ((node.params as Node[]).length > 0 || node.hash) throw new Unsupported();
          code += `o.push(rt.s(${this.path(node.path as Node, ctx)}));\n`;
          break;
        case 'BlockStatement':
          flush();
          code += this.block(node, ctx, inPartial);
          break;
        case 'PartialStatement': {
          flush();
          if (inPartial || node.hash || (node.indent !== undefined && node.indent !== '')) throw new Unsupported();
          const name = node.name as Node;
          const partial = name.type === 'PathExpression' ? (this.partials.get((name as PathNode).original) as (ProgramNode & { fnName?: string }) | undefined) : undefined;
          const params = node.params as Node[];
          if (!partial?.fnName || params.length > 1) throw new Unsupported();
          code += `${partial.fnName}(${params.length === 1 ? this.path(params[0]!, ctx) : ctx});\n`;
          break;
        }
        default:
          throw new Unsupported();
      }
    }
    flush();
    return code;
  }

  private block(node: Node, ctx: string, inPartial: boolean): string {
    const path = node.path as PathNode;
    const params = node.params as Node[];
    if (path.type !== 'PathExpression' || path.data || path.depth !== 0 || path.parts.length !== 1 || params.length !== 1 || node.hash) throw new Unsupported();
    const value = this.path(params[0]!, ctx);
    const program = node.program as ProgramNode | undefined;
    const inverse = node.inverse as ProgramNode | undefined;
    const fn = (c: string) => (program ? this.program(program, c, inPartial) : '');
    const inv = (c: string) => (inverse ? this.program(inverse, c, inPartial) : '');
    switch (path.original) {
      case 'if':
      case 'unless': {
        const yes = path.original === 'if' ? fn(ctx) : inv(ctx);
        const no = path.original === 'if' ? inv(ctx) : fn(ctx);
        return `if (rt.t(${value})) {\n${yes}} else {\n${no}}\n`;
      }
      case 'each': {
        // The body is a function of its item, called per element: small, so V8 optimises it
        // early, where inside the loop it waited for the whole template to be compiled (one
        // function the size of the header template took the optimiser 45 ms).
        const d = ++this.depth;
        const item = `c${d}`;
        const body = fn(item);
        const name = `b${this.bodyCode.length}`;
        this.bodyCode.push(`function ${name}(${item}) {\nlet t;\n${body}}\n`);
        const code =
          `{ const a${d} = rt.e(${value});\n` +
          `if (a${d} === undefined) {\n${inv(ctx)}} else {\n` +
          `for (let i${d} = 0, n${d} = a${d}.length; i${d} < n${d}; i${d}++) {\nif (!(i${d} in a${d})) continue;\n${name}(a${d}[i${d}]);\n}\n}\n}\n`;
        this.depth--;
        return code;
      }
      default:
        throw new Unsupported();
    }
  }

  /** The expression of a path: `this`, `a.b` on the context, or `@root.a.b`. */
  private path(node: Node, ctx: string): string {
    if (node.type !== 'PathExpression') throw new Unsupported();
    const p = node as PathNode;
    if (p.depth !== 0) throw new Unsupported();
    for (const part of p.parts) if (!SAFE_PART.test(part) || part === 'constructor' || part === '__proto__') throw new Unsupported();
    // The parts in one temporary `t`, each read where it is used and checked by rt.o: a context
    // path stops at null or undefined (`parent != null && …`), a data path at any falsy value
    // (`parent && …`); `data && lookupProperty(data, "root")` is the model itself.
    if (p.data && p.parts[0] !== 'root') throw new Unsupported();
    const parts = p.data ? p.parts.slice(1) : p.parts;
    if (parts.length === 0) return p.data ? 'root' : ctx;
    const test = p.data ? (e: string) => e : (e: string) => `${e} != null`;
    const steps = parts.map((part) => test(`(t = plain ? t.${part} : rt.o(t, ${JSON.stringify(part)}, t.${part}))`));
    return `(t = ${p.data ? 'root' : ctx}, ${test('t')} && ${steps.join(' && ')}, t)`;
  }
}
