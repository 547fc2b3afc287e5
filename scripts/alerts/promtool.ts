// Ports at the edge: promtool and amtool as child processes. The export itself never runs them.
import { execFile } from 'node:child_process';

/** A checking tool is not installed; names the Debian package that has it. */
export class ToolMissingError extends Error {
  override name = 'ToolMissingError';
  constructor(
    readonly tool: string,
    readonly debianPackage: string,
    readonly bin: string = tool,
  ) {
    super(`${tool} not found ${bin === tool ? 'on PATH' : `at ${bin}`}: install it (apt-get install ${debianPackage})`);
  }
}

/** What a tool said, and whether it exited 0. */
export interface ToolResult {
  ok: boolean;
  output: string;
}

/** Binaries to run; default the names on PATH (Debian installs them in /usr/bin). */
export interface ToolPaths {
  promtool?: string;
  amtool?: string;
}

const PACKAGES = { promtool: 'prometheus', amtool: 'prometheus-alertmanager' } as const;

function runTool(tool: keyof typeof PACKAGES, bin: string | undefined, args: string[]): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    // Generous buffer: promtool prints a line per failing test case, and a repo can have thousands.
    execFile(bin ?? tool, args, { maxBuffer: 64 * 1024 * 1024, timeout: 300_000 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (!error) return resolve({ ok: true, output });
      if (error.killed) return resolve({ ok: false, output: `${output}\n${tool} did not finish within 5 minutes` });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new ToolMissingError(tool, PACKAGES[tool], bin));
      // A non-zero exit is the tool's verdict, not a failure to run it.
      if (typeof error.code === 'number') return resolve({ ok: false, output });
      reject(error);
    });
  });
}

/** `promtool check rules FILES`: syntax, PromQL and templates of rule files. */
export function checkRules(files: string[], paths: ToolPaths = {}): Promise<ToolResult> {
  return runTool('promtool', paths.promtool, ['check', 'rules', ...files]);
}

/** `promtool test rules FILES`: unit tests whose rule_files resolve relative to each test file. */
export function testRules(files: string[], paths: ToolPaths = {}): Promise<ToolResult> {
  return runTool('promtool', paths.promtool, ['test', 'rules', ...files]);
}

/** `amtool check-config FILE`: an Alertmanager config as Alertmanager would load it. */
export function checkAlertmanagerConfig(file: string, paths: ToolPaths = {}): Promise<ToolResult> {
  return runTool('amtool', paths.amtool, ['check-config', file]);
}
