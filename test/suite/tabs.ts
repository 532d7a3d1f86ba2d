// Tab helpers for the suites. The extension host learns about tabs from the workbench
// asynchronously, so a panel created by a command shows up in `tabGroups` a moment after
// the command resolves: poll instead of reading once.
import * as vscode from 'vscode';

export function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs);
}

/** Tabs matching `pick`, once at least `min` exist (or whatever exists after `timeoutMs`). */
export async function waitForTabs(
  pick: (t: vscode.Tab) => boolean,
  min = 1,
  timeoutMs = 10_000,
): Promise<vscode.Tab[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tabs = allTabs().filter(pick);
    if (tabs.length >= min || Date.now() > deadline) return tabs;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Tabs matching `pick` once exactly `n` exist (or whatever exists after `timeoutMs`). */
export async function waitForTabCount(
  pick: (t: vscode.Tab) => boolean,
  n: number,
  timeoutMs = 10_000,
): Promise<vscode.Tab[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tabs = allTabs().filter(pick);
    if (tabs.length === n || Date.now() > deadline) return tabs;
    await new Promise((r) => setTimeout(r, 100));
  }
}
