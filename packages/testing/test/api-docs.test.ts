import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The API docs promise a summary on every public export and an `@example` on every export a
 * caller runs: functions, classes, constants and enums. Interfaces and type aliases need only the
 * summary: their use is shown by the examples of the functions that take or return them, which
 * TypeDoc links to. TypeDoc itself (`npm run docs`) checks summaries too, but not examples.
 */
const packages = ['core', 'testing', 'express', 'koa', 'sqlite', 'postgres', 'redis', 'atlassian'] as const;

const root = fileURLToPath(new URL('../../../', import.meta.url));
const runnableKinds = new Set([
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.VariableDeclaration,
  ts.SyntaxKind.EnumDeclaration,
]);

function createChecker(): { program: ts.Program; checker: ts.TypeChecker } {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!config) throw new Error('tsconfig.json could not be read');
  const program = ts.createProgram(
    packages.map((name) => `${root}packages/${name}/src/index.ts`),
    config.options,
  );
  return { program, checker: program.getTypeChecker() };
}

const { program, checker } = createChecker();

interface ExportDocs {
  name: string;
  hasSummary: boolean;
  /** False when an example is required and missing; true when present or not required. */
  hasRequiredExample: boolean;
}

function exportDocs(name: (typeof packages)[number]): ExportDocs[] {
  const entry = program.getSourceFile(`${root}packages/${name}/src/index.ts`);
  const entryModule = entry && checker.getSymbolAtLocation(entry);
  if (!entryModule) throw new Error(`No entry point for ${name}`);
  return checker.getExportsOfModule(entryModule).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = symbol.declarations ?? [];
    const runnable = declarations.filter((declaration) => runnableKinds.has(declaration.kind));
    const hasExample = runnable.some((declaration) => ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'example'));
    return {
      name: exported.name,
      hasSummary: ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== '',
      hasRequiredExample: runnable.length === 0 || hasExample,
    };
  });
}

describe('public API documentation', () => {
  it.each(packages)('@portico/%s: every export has a summary, every runnable export an @example', (name) => {
    const docs = exportDocs(name);

    expect(docs.length).toBeGreaterThan(0);
    expect(docs.filter((doc) => !doc.hasSummary).map((doc) => doc.name)).toEqual([]);
    expect(docs.filter((doc) => !doc.hasRequiredExample).map((doc) => doc.name)).toEqual([]);
  });
});
