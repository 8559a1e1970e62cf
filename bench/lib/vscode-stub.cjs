// A minimal stand-in for the `vscode` module so dist/extension.js can be loaded and activated in plain
// Node for timing. It implements the parts of the API an extension touches at activation (registering
// commands/providers/views, reading settings, creating output channels, status bar items, diagnostics,
// events) with inert objects; anything else resolves to a permissive proxy so an unforeseen call does
// not abort activation. It counts calls so the benchmark can show activation really registered things.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS by necessity (node -r / require hooks) */
const path = require('node:path');
const fs = require('node:fs');

const calls = {};
const count = (name) => {
  calls[name] = (calls[name] ?? 0) + 1;
};

class Disposable {
  constructor(fn) {
    this._fn = fn;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((d) => d && typeof d.dispose === 'function' && d.dispose()));
  }
  dispose() {
    if (this._fn) this._fn();
    this._fn = undefined;
  }
}

class EventEmitter {
  constructor() {
    this._listeners = new Set();
    this.event = (listener, thisArg, disposables) => {
      const bound = thisArg ? listener.bind(thisArg) : listener;
      this._listeners.add(bound);
      const d = new Disposable(() => this._listeners.delete(bound));
      if (Array.isArray(disposables)) disposables.push(d);
      return d;
    };
  }
  fire(value) {
    for (const l of [...this._listeners]) l(value);
  }
  dispose() {
    this._listeners.clear();
  }
}

/** Any unknown API member: callable, constructible, indexable, thenable-free, disposable. */
function permissive(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      if (prop === 'dispose') return () => undefined;
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'toString') return () => name;
      return permissive(`${name}.${String(prop)}`);
    },
    apply() {
      count(name);
      return permissive(`${name}()`);
    },
    construct() {
      count(`new ${name}`);
      return permissive(`new ${name}`);
    },
  });
}

const noEvent = () => new Disposable();

class Uri {
  constructor(scheme, fsPath) {
    this.scheme = scheme;
    this.fsPath = fsPath;
    this.path = fsPath.split(path.sep).join('/');
    this.authority = '';
    this.query = '';
    this.fragment = '';
  }
  static file(p) {
    return new Uri('file', path.resolve(p));
  }
  static parse(text) {
    return new Uri('file', text.replace(/^file:\/\//, ''));
  }
  static joinPath(base, ...parts) {
    return new Uri(base.scheme, path.join(base.fsPath, ...parts));
  }
  with(change) {
    return new Uri(change.scheme ?? this.scheme, change.path ?? this.fsPath);
  }
  toString() {
    return `${this.scheme}://${this.path}`;
  }
  toJSON() {
    return { scheme: this.scheme, path: this.path };
  }
}

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}
class Range {
  constructor(a, b, c, d) {
    if (typeof a === 'number') {
      this.start = new Position(a, b);
      this.end = new Position(c, d);
    } else {
      this.start = a;
      this.end = b;
    }
  }
}
class Selection extends Range {}
class Location {
  constructor(uri, range) {
    this.uri = uri;
    this.range = range;
  }
}
class Diagnostic {
  constructor(range, message, severity) {
    this.range = range;
    this.message = message;
    this.severity = severity;
  }
}
class DiagnosticRelatedInformation {
  constructor(location, message) {
    this.location = location;
    this.message = message;
  }
}
class TreeItem {
  constructor(label, collapsibleState) {
    this.label = label;
    this.collapsibleState = collapsibleState;
  }
}
class ThemeIcon {
  constructor(id, color) {
    this.id = id;
    this.color = color;
  }
}
ThemeIcon.File = new ThemeIcon('file');
ThemeIcon.Folder = new ThemeIcon('folder');
class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}
class MarkdownString {
  constructor(value = '') {
    this.value = value;
  }
  appendMarkdown(v) {
    this.value += v;
    return this;
  }
  appendText(v) {
    this.value += v;
    return this;
  }
  appendCodeblock(v) {
    this.value += `\n\`\`\`\n${v}\n\`\`\`\n`;
    return this;
  }
}
class WorkspaceEdit {
  constructor() {
    this.edits = [];
  }
  replace(uri, range, text) {
    this.edits.push({ uri, range, text });
  }
  insert(uri, position, text) {
    this.edits.push({ uri, position, text });
  }
  delete(uri, range) {
    this.edits.push({ uri, range });
  }
}
class CodeAction {
  constructor(title, kind) {
    this.title = title;
    this.kind = kind;
  }
}
class CodeActionKind {
  constructor(value) {
    this.value = value;
  }
  append(part) {
    return new CodeActionKind(`${this.value}.${part}`);
  }
}
CodeActionKind.QuickFix = new CodeActionKind('quickfix');
CodeActionKind.Refactor = new CodeActionKind('refactor');
CodeActionKind.Source = new CodeActionKind('source');
class Hover {
  constructor(contents, range) {
    this.contents = contents;
    this.range = range;
  }
}
class CancellationTokenSource {
  constructor() {
    this.token = { isCancellationRequested: false, onCancellationRequested: noEvent };
  }
  cancel() {
    this.token.isCancellationRequested = true;
  }
  dispose() {}
}
class RelativePattern {
  constructor(base, pattern) {
    this.base = base;
    this.pattern = pattern;
  }
}

function configuration() {
  count('workspace.getConfiguration');
  return {
    get: (_key, defaultValue) => defaultValue,
    has: () => false,
    inspect: () => undefined,
    update: async () => undefined,
  };
}

function memento() {
  const store = new Map();
  return {
    get: (k, d) => (store.has(k) ? store.get(k) : d),
    update: async (k, v) => void store.set(k, v),
    keys: () => [...store.keys()],
    setKeysForSync: () => undefined,
  };
}

function makeApi(workspaceRoot) {
  const disposable = (name) => () => {
    count(name);
    return new Disposable();
  };
  const folders = workspaceRoot
    ? [{ uri: Uri.file(workspaceRoot), name: path.basename(workspaceRoot), index: 0 }]
    : undefined;
  const outputChannel = (name) => {
    count('window.createOutputChannel');
    return {
      name,
      append() {},
      appendLine() {},
      replace() {},
      clear() {},
      show() {},
      hide() {},
      dispose() {},
      trace() {},
      debug() {},
      info() {},
      warn() {},
      error() {},
      logLevel: 2,
      onDidChangeLogLevel: noEvent,
    };
  };
  const api = {
    version: '1.90.0',
    Disposable,
    EventEmitter,
    Uri,
    Position,
    Range,
    Selection,
    Location,
    Diagnostic,
    DiagnosticRelatedInformation,
    TreeItem,
    ThemeIcon,
    ThemeColor,
    MarkdownString,
    WorkspaceEdit,
    CodeAction,
    CodeActionKind,
    Hover,
    CancellationTokenSource,
    RelativePattern,
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
    EndOfLine: { LF: 1, CRLF: 2 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
    commands: {
      registerCommand: disposable('commands.registerCommand'),
      registerTextEditorCommand: disposable('commands.registerTextEditorCommand'),
      executeCommand: async (...args) => void count(`commands.executeCommand:${args[0]}`),
      getCommands: async () => [],
    },
    languages: {
      createDiagnosticCollection: (name) => {
        count('languages.createDiagnosticCollection');
        const map = new Map();
        return {
          name,
          set: (u, d) => map.set(String(u), d),
          delete: (u) => map.delete(String(u)),
          clear: () => map.clear(),
          get: (u) => map.get(String(u)),
          has: (u) => map.has(String(u)),
          forEach: (cb) => map.forEach(cb),
          dispose() {},
        };
      },
      registerCodeActionsProvider: disposable('languages.registerCodeActionsProvider'),
      registerHoverProvider: disposable('languages.registerHoverProvider'),
      registerCodeLensProvider: disposable('languages.registerCodeLensProvider'),
      registerDocumentLinkProvider: disposable('languages.registerDocumentLinkProvider'),
      registerDefinitionProvider: disposable('languages.registerDefinitionProvider'),
      registerCompletionItemProvider: disposable('languages.registerCompletionItemProvider'),
      getDiagnostics: () => [],
      getLanguages: async () => ['groovy', 'jenkinsfile'],
      setTextDocumentLanguage: async (d) => d,
      match: () => 0,
      onDidChangeDiagnostics: noEvent,
    },
    window: {
      createOutputChannel: outputChannel,
      createStatusBarItem: () => {
        count('window.createStatusBarItem');
        return { text: '', tooltip: '', command: undefined, show() {}, hide() {}, dispose() {} };
      },
      createTreeView: (id) => {
        count('window.createTreeView');
        return {
          id,
          visible: false,
          selection: [],
          onDidChangeVisibility: noEvent,
          onDidChangeSelection: noEvent,
          onDidExpandElement: noEvent,
          onDidCollapseElement: noEvent,
          reveal: async () => undefined,
          dispose() {},
          message: undefined,
          title: undefined,
          description: undefined,
          badge: undefined,
        };
      },
      registerTreeDataProvider: disposable('window.registerTreeDataProvider'),
      registerWebviewViewProvider: disposable('window.registerWebviewViewProvider'),
      registerUriHandler: disposable('window.registerUriHandler'),
      showInformationMessage: async () => undefined,
      showWarningMessage: async () => undefined,
      showErrorMessage: async () => undefined,
      showQuickPick: async () => undefined,
      showInputBox: async () => undefined,
      withProgress: async (_o, task) => task({ report() {} }, new CancellationTokenSource().token),
      setStatusBarMessage: () => new Disposable(),
      createTerminal: () => permissive('Terminal'),
      activeTextEditor: undefined,
      visibleTextEditors: [],
      onDidChangeActiveTextEditor: noEvent,
      onDidChangeVisibleTextEditors: noEvent,
      onDidChangeWindowState: noEvent,
      state: { focused: true },
    },
    workspace: {
      workspaceFolders: folders,
      name: folders ? folders[0].name : undefined,
      isTrusted: true,
      textDocuments: [],
      getConfiguration: configuration,
      getWorkspaceFolder: () => (folders ? folders[0] : undefined),
      asRelativePath: (p) =>
        workspaceRoot ? path.relative(workspaceRoot, typeof p === 'string' ? p : p.fsPath) : String(p),
      findFiles: async () => {
        count('workspace.findFiles');
        return [];
      },
      openTextDocument: async () => permissive('TextDocument'),
      applyEdit: async () => true,
      createFileSystemWatcher: () => {
        count('workspace.createFileSystemWatcher');
        return { onDidChange: noEvent, onDidCreate: noEvent, onDidDelete: noEvent, dispose() {} };
      },
      fs: {
        readFile: async (uri) => fs.promises.readFile(uri.fsPath),
        writeFile: async (uri, data) => fs.promises.writeFile(uri.fsPath, data),
        stat: async (uri) => fs.promises.stat(uri.fsPath),
        readDirectory: async () => [],
      },
      onDidOpenTextDocument: noEvent,
      onDidCloseTextDocument: noEvent,
      onDidChangeTextDocument: noEvent,
      onDidSaveTextDocument: noEvent,
      onDidChangeConfiguration: noEvent,
      onDidChangeWorkspaceFolders: noEvent,
      onDidGrantWorkspaceTrust: noEvent,
      onDidCreateFiles: noEvent,
      onDidDeleteFiles: noEvent,
      onDidRenameFiles: noEvent,
      registerTextDocumentContentProvider: disposable('workspace.registerTextDocumentContentProvider'),
    },
    env: {
      appName: 'bench',
      language: 'en',
      machineId: 'bench',
      sessionId: 'bench',
      uiKind: 1,
      clipboard: { writeText: async () => undefined, readText: async () => '' },
      openExternal: async () => true,
    },
    extensions: { getExtension: () => undefined, all: [] },
    l10n: {
      t: (message, ...args) =>
        typeof message === 'string' ? message.replace(/\{(\d+)\}/g, (_m, i) => String(args[i])) : message.message,
    },
  };
  return new Proxy(api, {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (prop === '__esModule' || prop === 'default' || prop === 'then') return undefined;
      return permissive(`vscode.${String(prop)}`);
    },
  });
}

/** A minimal ExtensionContext for activate(). */
function makeContext(extensionPath, storageDir) {
  const subscriptions = [];
  const secrets = new Map();
  return {
    subscriptions,
    extensionPath,
    extensionUri: Uri.file(extensionPath),
    asAbsolutePath: (p) => path.join(extensionPath, p),
    globalState: memento(),
    workspaceState: memento(),
    secrets: {
      get: async (k) => secrets.get(k),
      store: async (k, v) => void secrets.set(k, v),
      delete: async (k) => void secrets.delete(k),
      onDidChange: noEvent,
    },
    globalStorageUri: Uri.file(path.join(storageDir, 'global')),
    storageUri: Uri.file(path.join(storageDir, 'workspace')),
    logUri: Uri.file(path.join(storageDir, 'log')),
    globalStoragePath: path.join(storageDir, 'global'),
    storagePath: path.join(storageDir, 'workspace'),
    logPath: path.join(storageDir, 'log'),
    extensionMode: 1,
    environmentVariableCollection: {
      replace() {},
      append() {},
      prepend() {},
      get() {},
      forEach() {},
      delete() {},
      clear() {},
      persistent: false,
      description: undefined,
      getScoped() {
        return this;
      },
    },
    extension: { id: 'rolecall.rolecall', extensionPath, packageJSON: {}, isActive: true },
  };
}

module.exports = { makeApi, makeContext, calls };
