// The extension in a stand-in VS Code: `vscode` and the language client are replaced by
// recording fakes, except that the client really starts the server the extension asks for
// (SHELF_BIN, the shelf built by `cargo test`) and speaks LSP to it over stdio. So what is
// checked is what the extension decides (which folder is the site, which command, which
// files) and that those decisions make a working server.
"use strict";

const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const test = require("node:test");
const Module = require("node:module");

const SHELF = process.env.SHELF_BIN;
const SAMPLES = path.join(__dirname, "..", "..", "..", "articles");

/** A workspace folder holding a site in `docs/site` (the bundled sample articles). */
function workspace() {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), "shelf-vscode-"));
  const site = path.join(top, "docs", "site");
  fs.mkdirSync(site, { recursive: true });
  fs.cpSync(SAMPLES, path.join(site, "articles"), { recursive: true });
  fs.writeFileSync(path.join(site, "shelf.toml"), 'source = "articles"\n');
  // A second shelf.toml deeper down (a fixture of the site's own tests) is not the site.
  fs.mkdirSync(path.join(site, "tests", "fixture"), { recursive: true });
  fs.writeFileSync(path.join(site, "tests", "fixture", "shelf.toml"), "");
  return { top, site };
}

function walk(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** LSP over a child's stdio: requests, notifications, and waiting for a message. */
class Connection {
  constructor(child) {
    this.child = child;
    this.buffer = Buffer.alloc(0);
    this.messages = [];
    this.waiters = [];
    this.nextId = 1;
    child.stdout.on("data", (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const end = this.buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())[1]);
        if (this.buffer.length < end + 4 + length) return;
        const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString());
        this.buffer = this.buffer.subarray(end + 4 + length);
        this.messages.push(message);
        this.waiters = this.waiters.filter((w) => !w(message));
      }
    });
  }
  send(message) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }));
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }
  notify(method, params) {
    this.send({ method, params });
  }
  request(method, params) {
    const id = this.nextId++;
    this.send({ id, method, params });
    return this.until((m) => m.id === id, method);
  }
  until(done, what) {
    const seen = this.messages.find(done);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer: ${what}`)), 30000);
      this.waiters.push((m) => done(m) && (clearTimeout(timer), resolve(m), true));
    });
  }
}

/** The language client: records what the extension made it with, and starts that server. */
class FakeClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, stopped: false });
    FakeClient.made.push(this);
  }
  async start() {
    const { command, args, options } = this.serverOptions;
    this.child = spawn(command, args, { cwd: options.cwd, stdio: ["pipe", "pipe", "inherit"] });
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
    await new Promise((resolve, reject) => {
      this.child.on("spawn", resolve);
      this.child.on("error", reject);
    });
    this.connection = new Connection(this.child);
    const root = "file://" + options.cwd;
    const init = await this.connection.request("initialize", { processId: process.pid, rootUri: root, capabilities: {} });
    this.connection.notify("initialized", {});
    this.initialize = init.result;
  }
  async stop() {
    this.stopped = true;
    if (this.connection) {
      await this.connection.request("shutdown", null);
      this.connection.notify("exit", null);
      this.exitCode = await this.exited;
    }
  }
}
FakeClient.made = [];

class RelativePattern {
  constructor(base, pattern) {
    Object.assign(this, { base, pattern });
  }
}

function fakeVscode(folder, settings) {
  const registered = {};
  const listeners = [];
  const errors = [];
  return {
    registered,
    listeners,
    errors,
    RelativePattern,
    commands: { registerCommand: (name, run) => ((registered[name] = run), { dispose() {} }) },
    window: { showErrorMessage: (text) => errors.push(text) },
    workspace: {
      findFiles: async (glob, exclude, max) => {
        assert.equal(glob, "**/shelf.toml");
        const found = walk(folder).filter((f) => path.basename(f) === "shelf.toml" && !f.includes("node_modules"));
        return found.slice(0, max).map((fsPath) => ({ fsPath }));
      },
      getConfiguration: (section) => ({ get: (key, fallback) => settings[`${section}.${key}`] ?? fallback }),
      createFileSystemWatcher: (pattern) => ({ pattern }),
      onDidChangeConfiguration: (listener) => (listeners.push(listener), { dispose() {} }),
    },
  };
}

/** A fresh copy of extension.js loaded against `vscode`. */
function loadExtension(vscode) {
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (request === "vscode") return vscode;
    if (request === "vscode-languageclient/node") return { LanguageClient: FakeClient };
    return load.call(this, request, ...rest);
  };
  try {
    const file = require.resolve("../extension.js");
    delete require.cache[file];
    return require(file);
  } finally {
    Module._load = load;
  }
}

test("the server for the site's folder starts, answers and checks its articles", { skip: !SHELF && "SHELF_BIN is not set" }, async () => {
  const { top, site } = workspace();
  const vscode = fakeVscode(top, { "shelf.path": SHELF });
  const extension = loadExtension(vscode);
  FakeClient.made = [];
  const context = { subscriptions: [] };
  await extension.activate(context);
  assert.deepEqual(vscode.errors, []);
  assert.equal(FakeClient.made.length, 1);
  const client = FakeClient.made[0];
  assert.equal(client.id, "shelf");
  assert.deepEqual(client.serverOptions, { command: SHELF, args: ["lsp"], options: { cwd: site } });
  assert.deepEqual(client.clientOptions.documentSelector, [
    { scheme: "file", language: "markdown", pattern: `${site.split(path.sep).join("/")}/**/*.md` },
  ]);
  assert.equal(client.clientOptions.synchronize.fileEvents.pattern.base, site);
  assert.equal(client.initialize.serverInfo.name, "shelf");
  assert.equal(client.initialize.capabilities.textDocumentSync, 1);
  assert.ok(context.subscriptions.length >= 2);

  // An article of the site opened with a misspelled key: the server says so, as shelf check.
  const file = path.join(site, "articles", "microsoft.compute", "vm-disk-latency.md");
  const uri = "file://" + file;
  const text = fs.readFileSync(file, "utf8").replace("supportTopicIds", "supportTopcIds");
  client.connection.notify("textDocument/didOpen", { textDocument: { uri, languageId: "markdown", version: 1, text } });
  const published = await client.connection.until(
    (m) => m.method === "textDocument/publishDiagnostics" && m.params.uri === uri && m.params.diagnostics.length > 0,
    "diagnostics",
  );
  assert.ok(published.params.diagnostics.some((d) => d.code === "SH102"), JSON.stringify(published.params.diagnostics));

  // Restart (the command, or a new shelf.path) stops that server and starts another.
  await vscode.registered["shelf.restart"]();
  assert.equal(client.stopped, true);
  assert.equal(client.exitCode, 0);
  assert.equal(FakeClient.made.length, 2);
  const again = FakeClient.made[1];
  await Promise.all(vscode.listeners.map((l) => l({ affectsConfiguration: (s) => s === "shelf.path" })));
  assert.equal(again.stopped, true);
  assert.equal(FakeClient.made.length, 3);
  await extension.deactivate();
  assert.equal(FakeClient.made[2].stopped, true);
  assert.equal(FakeClient.made[2].exitCode, 0);
  fs.rmSync(top, { recursive: true, force: true });
});

test("shelf.path is a name on PATH or a path from the site's folder", () => {
  const extension = loadExtension(fakeVscode(os.tmpdir(), {}));
  assert.equal(extension.serverOptions("/work/site", "shelf").command, "shelf");
  assert.equal(extension.serverOptions("/work/site", "shelf-nightly").command, "shelf-nightly");
  assert.equal(extension.serverOptions("/work/site", "./bin/shelf").command, "/work/site/bin/shelf");
  assert.equal(extension.serverOptions("/work/site", "/opt/shelf/shelf").command, "/opt/shelf/shelf");
});

test("a workspace without shelf.toml starts nothing", async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "shelf-vscode-empty-"));
  const vscode = fakeVscode(empty, {});
  FakeClient.made = [];
  await loadExtension(vscode).activate({ subscriptions: [] });
  assert.equal(FakeClient.made.length, 0);
  assert.deepEqual(vscode.errors, []);
  fs.rmSync(empty, { recursive: true, force: true });
});

test("a shelf that cannot be started is said, not thrown", async () => {
  const { top } = workspace();
  const vscode = fakeVscode(top, { "shelf.path": "/nonexistent/shelf" });
  await loadExtension(vscode).activate({ subscriptions: [] });
  assert.equal(vscode.errors.length, 1);
  assert.match(vscode.errors[0], /did not start/);
  fs.rmSync(top, { recursive: true, force: true });
});
