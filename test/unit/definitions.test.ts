/**
 * docs/definitions.md stays true as the code moves: every file it names exists and
 * declares the symbols named after it, every constant it quotes with a value has that
 * value in the code, every metric row says where it is computed, and every key of the
 * diagnostics JSON (the DiagnoseResult type, read with the TypeScript checker wherever
 * src/shared declares it) is defined in the document. No analysis runs here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const DOC = path.join(ROOT, 'docs/definitions.md');
const lines = fs.readFileSync(DOC, 'utf8').split('\n');

interface Span {
  text: string;
  start: number;
  end: number;
}

/** The `code` spans of a line with their positions. */
function spans(line: string): Span[] {
  const out: Span[] = [];
  const re = /`([^`]+)`/g;
  for (let m = re.exec(line); m; m = re.exec(line))
    out.push({ text: m[1], start: m.index, end: m.index + m[0].length });
  return out;
}

const PATH = /^(?:src|webview|test|scripts|bench|docs)\/[\w./-]+\.\w+$/;
const IDENT = /^[A-Za-z_$][\w$]*$/;

interface Ref {
  file: string;
  symbols: string[];
  line: number;
}

/** `path` followed by `symbol`, `symbol`… (separated by spaces or commas) on one line. */
function references(): Ref[] {
  const out: Ref[] = [];
  lines.forEach((line, i) => {
    const sp = spans(line);
    for (let t = 0; t < sp.length; t++) {
      if (!PATH.test(sp[t].text)) continue;
      const ref: Ref = { file: sp[t].text, symbols: [], line: i + 1 };
      let prev = sp[t];
      for (let u = t + 1; u < sp.length; u++) {
        if (!/^[\s,]*$/.test(line.slice(prev.end, sp[u].start)) || !IDENT.test(sp[u].text)) break;
        ref.symbols.push(sp[u].text);
        prev = sp[u];
      }
      out.push(ref);
    }
  });
  return out;
}

const escape = (s: string) => s.replace(/[$]/g, '\\$');

/** A declaration of `name` in TypeScript source text (or a method, or a re-export). */
function declares(source: string, name: string): boolean {
  const n = escape(name);
  return [
    new RegExp(`\\b(?:function\\*?|class|interface|type|enum|const|let|var|namespace)\\s+${n}\\b`),
    new RegExp(`^\\s*(?:(?:public|private|protected|static|async|readonly)\\s+)*${n}\\s*(?:<[^>\\n]*>)?\\(`, 'm'),
    new RegExp(`export\\s*(?:type\\s*)?\\{[^}]*\\b${n}\\b[^}]*\\}`),
  ].some((re) => re.test(source));
}

const refs = references();
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

test('every file named in docs/definitions.md exists and declares the symbols named after it', () => {
  assert.ok(refs.length >= 100, `only ${refs.length} file references found: did the reference format change?`);
  assert.ok(
    refs.filter((r) => r.symbols.length).length >= 90,
    'most references name a symbol (`path` `symbol`, `symbol`)',
  );
  const problems: string[] = [];
  for (const r of refs) {
    if (!fs.existsSync(path.join(ROOT, r.file))) {
      problems.push(`line ${r.line}: ${r.file} does not exist`);
      continue;
    }
    const src = read(r.file);
    for (const s of r.symbols) if (!declares(src, s)) problems.push(`line ${r.line}: ${r.file} does not declare ${s}`);
  }
  assert.deepEqual(problems, []);
});

test('every constant the document names is declared in a file it references, with the value it quotes', () => {
  const files = [...new Set(refs.map((r) => r.file))].filter(
    (f) => f.endsWith('.ts') && fs.existsSync(path.join(ROOT, f)),
  );
  const sources = files.map((f) => ({ f, src: read(f) }));
  const problems: string[] = [];
  let quoted = 0;
  lines.forEach((line, i) => {
    for (const s of spans(line)) {
      if (!/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(s.text)) continue;
      const home = sources.find(({ src }) => new RegExp(`\\b(?:const|let|var)\\s+${s.text}\\b`).test(src));
      if (!home) {
        problems.push(`line ${i + 1}: ${s.text} is declared in none of the referenced files`);
        continue;
      }
      const claim = /^\s*=\s*(-?[\d.,_]+(?:e-?\d+)?)/.exec(line.slice(s.end));
      if (!claim) continue;
      quoted++;
      const decl = new RegExp(`\\b(?:const|let|var)\\s+${s.text}\\s*(?::[^=]+)?=\\s*(-?[\\d._]+(?:e-?\\d+)?)`).exec(
        home.src,
      );
      const want = Number(claim[1].replace(/[,_]/g, '').replace(/\.$/, ''));
      const have = decl ? Number(decl[1].replace(/_/g, '')) : NaN;
      if (have !== want)
        problems.push(`line ${i + 1}: ${s.text} = ${want} here, ${decl ? have : '(not a number)'} in ${home.f}`);
    }
  });
  assert.ok(quoted >= 10, `only ${quoted} quoted constant values found`);
  assert.deepEqual(problems, []);
});

test('every row of a metric table says where it is computed', () => {
  const problems: string[] = [];
  let inTable = false;
  let rows = 0;
  lines.forEach((line, i) => {
    if (!line.startsWith('|')) {
      inTable = false;
      return;
    }
    if (/\|\s*Computed in\s*\|\s*$/.test(line)) {
      inTable = true;
      return;
    }
    if (!inTable || /^\|[-| ]+\|$/.test(line)) return;
    rows++;
    const cells = line.split(/(?<!\\)\|/);
    const last = cells[cells.length - 2] ?? '';
    if (!spans(last).some((s) => PATH.test(s.text))) problems.push(`line ${i + 1}: no file in the last column`);
  });
  assert.ok(rows >= 100, `only ${rows} table rows found`);
  assert.deepEqual(problems, []);
});

/** Dotted paths of every JSON key of DiagnoseResult (arrays and optional/null unions see through to their elements). */
function diagnoseKeys(): string[] {
  const candidates: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && /\binterface\s+DiagnoseResult\b/.test(fs.readFileSync(p, 'utf8')))
        candidates.push(p);
    }
  };
  walk(path.join(ROOT, 'src/shared'));
  assert.equal(
    candidates.length,
    1,
    `DiagnoseResult should be declared once under src/shared, found ${candidates.length}`,
  );
  const program = ts.createProgram(candidates, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    types: [],
  });
  const checker = program.getTypeChecker();
  let decl: ts.InterfaceDeclaration | undefined;
  program.getSourceFile(candidates[0])!.forEachChild((n) => {
    if (ts.isInterfaceDeclaration(n) && n.name.text === 'DiagnoseResult') decl = n;
  });
  const keys: string[] = [];
  const objects = (t: ts.Type): ts.Type[] => {
    const parts = t.isUnion() ? t.types : [t];
    const out: ts.Type[] = [];
    for (const p of parts) {
      // A typed array is a value, like number[] (its methods are no keys of the JSON).
      if (/^(Float(32|64)|U?Int(8|16|32)|Uint8Clamped)Array$/.test(p.getSymbol()?.name ?? '')) continue;
      if (checker.isArrayType(p)) out.push(...objects(checker.getTypeArguments(p as ts.TypeReference)[0]));
      else if (p.flags & ts.TypeFlags.Object && !checker.isTupleType(p) && checker.getPropertiesOfType(p).length)
        out.push(p);
    }
    return out;
  };
  const visit = (t: ts.Type, prefix: string, depth: number) => {
    assert.ok(depth < 8, `type nesting too deep at ${prefix}`);
    for (const obj of objects(t)) {
      for (const prop of checker.getPropertiesOfType(obj)) {
        const key = prefix ? `${prefix}.${prop.name}` : prop.name;
        keys.push(key);
        visit(checker.getTypeOfSymbolAtLocation(prop, decl!), key, depth + 1);
      }
    }
  };
  visit(checker.getTypeAtLocation(decl!.name), '', 0);
  return [...new Set(keys)];
}

test('every key of the diagnostics JSON is defined in docs/definitions.md', () => {
  const keys = diagnoseKeys();
  // A few the CLI contract (diagnostics_cli.test.ts) checks, so the walk cannot silently find nothing.
  for (const k of ['rank.rankMe', 'isotropy.partitionIsotropy', 'hubness.robinHood', 'cosineVsDot.topkJaccard'])
    assert.ok(keys.includes(k), `the type walk found ${k}`);
  assert.ok(keys.length >= 90, `only ${keys.length} keys found in DiagnoseResult`);
  // Per line, its code spans with array brackets dropped: `isotropy.previews[0]` names `isotropy.previews`.
  const docSpans = lines.map((l) => spans(l).map((s) => s.text.replace(/\[\d*\]/g, '')));
  const names = (p: string, s: string) => s === p || s.startsWith(`${p}.`);
  // A key is defined when its full dotted path appears, or its parent's exact path and its own name share a line
  // (`hubness.csls` (`skewness`, …)); a longer path (`hubness.csls`) does not stand for its parent (`hubness`).
  const defined = (key: string) => {
    const cut = key.lastIndexOf('.');
    const parent = key.slice(0, Math.max(0, cut));
    const leaf = key.slice(cut + 1);
    return docSpans.some(
      (line) => line.some((s) => names(key, s)) || (parent !== '' && line.includes(parent) && line.includes(leaf)),
    );
  };
  assert.deepEqual(
    keys.filter((k) => !defined(k)),
    [],
    'keys of DiagnoseResult without a definition in docs/definitions.md',
  );
});
