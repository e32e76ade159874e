import { dirname, join } from 'node:path';
import ts from 'typescript';
import { REPOSITORY_ROOT } from './workspace-packages';

/**
 * The public surface of a workspace package as text: every name its entry point exports, with its
 * kind and its declared shape (signatures, members, type aliases expanded). A change to the text is
 * a change to what users of the package can call or name; `public-api.test.ts` compares it with
 * the committed `api.md` so that no such change lands by accident.
 *
 * Written on the TypeScript compiler API rather than API Extractor: it reads the sources directly
 * (no declaration build, no per-package configuration) and sees exactly what `tsc` sees.
 */
export interface PublicApiReport {
  /** One entry per exported name, sorted, blank-line separated. */
  readonly text: string;
  /**
   * Names the package declares (exported from one of its modules) that its public signatures
   * use but its entry point does not export: a user could meet the type and never name it.
   */
  readonly forgotten: readonly string[];
}

export function publicApiReports(entryPoints: readonly string[]): Map<string, PublicApiReport> {
  const program = ts.createProgram([...entryPoints], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    customConditions: ['source'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const reports = new Map<string, PublicApiReport>();
  for (const entryPoint of entryPoints) {
    const exported = moduleExports(program, checker, entryPoint);
    const entries = exported
      .map((symbol) => describeExport(checker, symbol))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const text = withoutImportPaths(entries.map((entry) => entry.text).join('\n\n'));
    const publicNames = new Set(exported.map((symbol) => symbol.getName()));
    const used = new Set(text.match(/[A-Za-z_$][\w$]*/g) ?? []);
    const forgotten = declaredInPackage(program, checker, dirname(entryPoint))
      .filter((name) => used.has(name) && !publicNames.has(name))
      .sort();
    reports.set(entryPoint, { text, forgotten });
  }
  return reports;
}

function moduleExports(program: ts.Program, checker: ts.TypeChecker, file: string): ts.Symbol[] {
  const source = program.getSourceFile(file);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${file}: not a module TypeScript can read`);
  return checker.getExportsOfModule(moduleSymbol);
}

/**
 * The checker writes a type it cannot name from the declaration's scope as `import("<absolute
 * path>").Name`. The path depends on where the clone lives (and on pnpm's store layout), so the
 * report would differ from machine to machine; the name is what a user sees and imports, and the
 * `forgotten` check already holds the package to exporting it.
 */
function withoutImportPaths(text: string): string {
  return text.replace(/import\("[^"]*"\)\./g, '');
}

/** Every type name (interface, alias, class, enum) any module of the package exports, public or not. */
function declaredInPackage(program: ts.Program, checker: ts.TypeChecker, sourceDir: string): string[] {
  const names = new Set<string>();
  for (const source of program.getSourceFiles()) {
    if (!source.fileName.startsWith(`${sourceDir}/`) || source.isDeclarationFile) continue;
    for (const symbol of moduleExports(program, checker, source.fileName)) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      if (target.flags & ts.SymbolFlags.Type) names.add(symbol.getName());
    }
  }
  return [...names];
}

const FORMAT =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType |
  ts.TypeFormatFlags.WriteArrowStyleSignature;

function describeExport(checker: ts.TypeChecker, exported: ts.Symbol): { name: string; text: string } {
  const name = exported.getName();
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const declaration = symbol.declarations?.[0];
  if (!declaration) return { name, text: `${name}: (no declaration)` };
  const parts: string[] = [];
  if (symbol.flags & ts.SymbolFlags.Class) parts.push(describeClass(checker, name, symbol, declaration));
  else if (symbol.flags & ts.SymbolFlags.Interface) parts.push(describeInterface(checker, name, symbol, declaration));
  else if (symbol.flags & ts.SymbolFlags.TypeAlias) {
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    parts.push(`type ${name} = ${checker.typeToString(type, declaration, FORMAT | ts.TypeFormatFlags.InTypeAlias)}`);
  }
  if (symbol.flags & ts.SymbolFlags.Function) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    for (const signature of type.getCallSignatures())
      parts.push(`function ${name}${checker.signatureToString(signature, declaration, FORMAT)}`);
  } else if (symbol.flags & ts.SymbolFlags.Variable) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    parts.push(`const ${name}: ${checker.typeToString(type, declaration, FORMAT)}`);
  } else if (symbol.flags & ts.SymbolFlags.Enum) {
    parts.push(`enum ${name}`);
  }
  if (parts.length === 0) parts.push(`${name}: ${ts.SymbolFlags[symbol.flags] ?? symbol.flags}`);
  return { name, text: parts.join('\n') };
}

function members(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): string[] {
  return checker
    .getPropertiesOfType(type)
    .filter((property) => !property.getName().startsWith('#') && !isPrivate(property))
    .map((property) => {
      const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
      const readonly = isReadonly(property) ? 'readonly ' : '';
      const propertyType = checker.getTypeOfSymbolAtLocation(property, at);
      return `  ${readonly}${property.getName()}${optional}: ${checker.typeToString(propertyType, at, FORMAT)};`;
    });
}

function describeInterface(checker: ts.TypeChecker, name: string, symbol: ts.Symbol, at: ts.Node): string {
  const type = checker.getDeclaredTypeOfSymbol(symbol);
  const signatures = type.getCallSignatures().map((s) => `  ${checker.signatureToString(s, at, FORMAT)};`);
  return [`interface ${name} {`, ...signatures, ...members(checker, type, at), '}'].join('\n');
}

function describeClass(checker: ts.TypeChecker, name: string, symbol: ts.Symbol, at: ts.Node): string {
  const instance = checker.getDeclaredTypeOfSymbol(symbol);
  const constructorType = checker.getTypeOfSymbolAtLocation(symbol, at);
  const bases = instance.getBaseTypes?.() ?? [];
  const heritage =
    bases.length > 0 ? ` extends ${bases.map((b) => checker.typeToString(b, at, FORMAT)).join(', ')}` : '';
  const constructors = constructorType
    .getConstructSignatures()
    .map((s) => `  constructor${checker.signatureToString(s, at, FORMAT).replace(/ => .*$/s, '')};`);
  const statics = members(checker, constructorType, at)
    .filter((line) => !line.startsWith('  prototype'))
    .map((line) => line.replace(/^ {2}/, '  static '));
  return [`class ${name}${heritage} {`, ...constructors, ...statics, ...members(checker, instance, at), '}'].join('\n');
}

const modifierFlags = (symbol: ts.Symbol): ts.ModifierFlags =>
  symbol.valueDeclaration ? ts.getCombinedModifierFlags(symbol.valueDeclaration) : ts.ModifierFlags.None;
const isPrivate = (symbol: ts.Symbol): boolean =>
  (modifierFlags(symbol) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0;
const isReadonly = (symbol: ts.Symbol): boolean => (modifierFlags(symbol) & ts.ModifierFlags.Readonly) !== 0;

/** Where a package's report lives: `api.md` beside its package.json. */
export const apiReportPath = (entryPoint: string): string => join(dirname(dirname(entryPoint)), 'api.md');

/** The committed file: a heading that says what it is and how to refresh it, then the report. */
export function apiReportFile(packageName: string, report: PublicApiReport): string {
  // The compiler writes types it cannot name as import("<absolute path>"): relative to the
  // repository, the report reads the same in every checkout (CI clones into another folder).
  const text = report.text.replaceAll(`import("${REPOSITORY_ROOT}/`, 'import("');
  return [
    `# ${packageName}: public API`,
    '',
    'Generated by `pnpm api:update` from `src/index.ts`; `pnpm test:unit` fails when it is out of date.',
    'A change here is a change for every user of the package: review it like one.',
    '',
    '```ts',
    text,
    '```',
    '',
  ].join('\n');
}
