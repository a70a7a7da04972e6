// shelf for VS Code: starts `shelf lsp` for the site the workspace holds (the folder of its
// shelf.toml) and gives it that site's Markdown files. Everything else (diagnostics, quick
// fixes, completion, hover, definitions, symbols) comes from the server, as in any editor.
"use strict";

const path = require("path");
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

/** The folder of the workspace's shelf.toml nearest the top (the site), or undefined. */
async function siteRoot() {
  const found = await vscode.workspace.findFiles("**/shelf.toml", "**/node_modules/**", 50);
  if (found.length === 0) {
    return undefined;
  }
  const depth = (uri) => uri.fsPath.split(path.sep).length;
  found.sort((a, b) => depth(a) - depth(b) || a.fsPath.localeCompare(b.fsPath));
  return path.dirname(found[0].fsPath);
}

/** How to start the server: `shelf.path` (a name looked up on PATH, or a path taken from the
 *  site's folder) with `lsp`, in the site's folder, where it finds shelf.toml. */
function serverOptions(root, configured) {
  const isPath = configured.includes("/") || configured.includes("\\");
  const command = isPath ? path.resolve(root, configured) : configured;
  return { command, args: ["lsp"], options: { cwd: root } };
}

/** The site's Markdown files go to the server; changes on disk (a checkout, another tool) and
 *  to shelf.toml are reported to it. */
function clientOptions(root) {
  const under = root.split(path.sep).join("/");
  return {
    documentSelector: [{ scheme: "file", language: "markdown", pattern: `${under}/**/*.md` }],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(root, "**/{*.md,shelf.toml}"),
      ),
    },
    outputChannelName: "shelf",
  };
}

async function start() {
  const root = await siteRoot();
  if (!root) {
    return;
  }
  const configured = vscode.workspace.getConfiguration("shelf").get("path", "shelf");
  client = new LanguageClient("shelf", "shelf", serverOptions(root, configured), clientOptions(root));
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    vscode.window.showErrorMessage(
      `shelf: \`${configured} lsp\` did not start (${error.message}). Install shelf or set shelf.path.`,
    );
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

async function restart() {
  await stop();
  await start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("shelf.restart", restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("shelf.path")) {
        return restart();
      }
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverOptions, clientOptions, siteRoot };
