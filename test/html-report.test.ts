// The HTML report in a real browser: Debian's Chromium (headless, driven by playwright-core)
// loads the site `rollgate report --out DIR` wrote, served from 127.0.0.1, and the test reads
// what a person would see: no errors, charts with marks, injected markup shown as text. The
// Mermaid charts rollgate writes for GitHub are checked with mermaid's own parser and renderer
// in the same browser (mermaid needs a DOM). A screenshot is kept in build/artifacts.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GateReport } from '../scripts/gates/report.ts';
import { gitAt } from '../scripts/git/simple-git.ts';
import { renderGateMarkdown } from '../scripts/report/gate.ts';
import { criterionChart, stageChart } from '../scripts/report/mermaid.ts';
import { rolloutTimeline } from '../scripts/report/timeline.ts';
import { validateRepository } from '../scripts/rules/validate-repository.ts';
import { withTrailers } from '../scripts/rollback/trailers.ts';
import { ROOT, rollgate } from './helpers/cli.ts';
import { repoFrom, setStage } from './helpers/git.ts';
import { CHROMIUM } from './helpers/servers.ts';

const FILE = 'rollout/checkout.yaml';
const INJECTION = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
const ARTIFACTS = join(ROOT, 'build', 'artifacts');

/** A rollout that went canary → staged in production, staged → full in staging, and was rolled back in production. */
function rolloutRepo() {
  const repo = repoFrom(join(ROOT, 'test', 'fixtures', 'valid', 'minimal'));
  repo.commit(FILE, (t) => t.replace('description: The new checkout flow.', `description: 'The new checkout flow. ${INJECTION}'`), `Describe checkout ${INJECTION}`, '2026-11-02T09:00:00Z');
  repo.commit(FILE, setStage('production', 'staged'), 'Advance checkout in production: canary → staged', '2026-11-04T09:00:00Z');
  repo.commit(FILE, setStage('staging', 'full'), 'Advance checkout in staging: staged → full', '2026-11-06T09:00:00Z');
  const message = withTrailers('Revert "Advance checkout in production: canary → staged"\n\nRoll back checkout in production: staged → canary (50 % → 10 %).', [
    { token: 'Reason', value: `error rate above 5 % ${INJECTION}` },
    { token: 'Alert-Key', value: 'checkout-errors-production' },
  ]);
  repo.commit(FILE, setStage('production', 'canary'), message, '2026-11-08T09:00:00Z');
  return repo;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

/** Serves `dir` read-only on 127.0.0.1: the site as GitHub Pages would. */
function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !statSync(file, { throwIfNoEntry: false })?.isFile()) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` })));
}

/** Mermaid's own parse and render of `text` in the page, with the number of SVG marks it drew. */
async function mermaidRender(page: Page, text: string, id: string): Promise<{ ok: boolean; error?: string; marks: number }> {
  return page.evaluate(
    async ({ text, id }) => {
      const m = (window as unknown as { mermaid: { parse(t: string): Promise<unknown>; render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
      try {
        await m.parse(text);
        const { svg } = await m.render(id, text);
        const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
        return { ok: true, marks: doc.querySelectorAll('rect, path, polyline, line').length };
      } catch (error) {
        return { ok: false, error: String((error as Error).message ?? error), marks: 0 };
      }
    },
    { text, id },
  );
}

/** The ```mermaid blocks of a markdown text, without the fences. */
const mermaidBlocks = (markdown: string) => [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('rollgate report --out DIR in Chromium', () => {
  const repo = rolloutRepo();
  const out = join(mkdtempSync(join(tmpdir(), 'rollgate-report-')), 'site');
  const metrics = join(mkdtempSync(join(tmpdir(), 'rollgate-metrics-')), 'metrics.yaml');
  writeFileSync(metrics, JSON.stringify({ error_rate: 0.4, latency_p95_ms: 240, conversion_rate: { treatment: 3.1, control: 3 } }));
  let browser: Browser;
  let server: Server;
  let page: Page;
  const problems: string[] = [];
  const offsite: string[] = [];

  beforeAll(async () => {
    const r = rollgate(['report', '--out', out, '--metrics', metrics, '--dir', repo.dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const served = await serve(out);
    server = served.server;
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`console ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (req) => !req.url().startsWith(served.url) && offsite.push(req.url()));
    await page.goto(served.url, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it('writes index.html and the files it loads', () => {
    for (const f of ['index.html', 'report.js', 'report.css', 'chart.umd.min.js']) expect(statSync(join(out, f)).size, f).toBeGreaterThan(0);
  });

  it('loads with no console error, no page error and nothing fetched from elsewhere', () => {
    expect(problems).toEqual([]);
    expect(offsite).toEqual([]);
  });

  it("draws every chart with Chart.js: the library's own instances hold the datasets", async () => {
    const charts = await page.evaluate(() =>
      Object.values((window as unknown as { Chart: { instances: Record<string, { canvas: HTMLCanvasElement; config: { type: string }; data: { labels?: unknown[]; datasets: { label: string; data: unknown[] }[] } }> } }).Chart.instances).map((c) => ({
        id: c.canvas.id,
        type: c.config.type,
        labels: c.data.labels,
        datasets: c.data.datasets.map((d) => ({ label: d.label, data: d.data })),
      })),
    );
    const byId = new Map(charts.map((c) => [c.id, c]));
    expect([...byId.keys()].sort()).toEqual(['overview', 'timeline-0']);
    expect(byId.get('overview')).toMatchObject({ type: 'bar', labels: ['checkout'], datasets: [{ label: 'staging', data: [100] }, { label: 'production', data: [10] }] });
    const timeline = byId.get('timeline-0')!;
    expect(timeline.type).toBe('line');
    const ys = (env: string) => (timeline.datasets.find((d) => d.label === env)?.data as { y: number; stage: string }[]).map((p) => `${p.stage} ${p.y}`);
    // Each change from git, then the stage held until now.
    expect(ys('production')).toEqual(['canary 10', 'staged 50', 'canary 10', 'canary 10']);
    expect(ys('staging')).toEqual(['staged 50', 'full 100', 'full 100']);
  });

  it('the charts have marks: their canvases are not blank', async () => {
    const painted = await page.evaluate(() =>
      [...document.querySelectorAll('canvas')].map((c) => {
        const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return { id: c.id, painted: n, width: c.width };
      }),
    );
    expect(painted.length).toBe(2);
    for (const c of painted) {
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.painted, c.id).toBeGreaterThan(2000);
    }
  });

  it('shows markup from config and git as text: nothing injected runs', async () => {
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('section.rollout script, section.rollout img').count()).toBe(0);
    expect(await page.locator('.description').textContent()).toBe(`The new checkout flow. ${INJECTION}`);
    expect(await page.locator('table.rollbacks').textContent()).toContain(`error rate above 5 % ${INJECTION}`);
  });

  it('shows the current stages, the gate verdict and the rollback with its trailers', async () => {
    const envs = await page.locator('table.envs tbody tr').allTextContents();
    expect(envs[0]).toMatch(/^stagingfull100 %2026-11-06 09:00 UTC/);
    expect(envs[1]).toMatch(/^productioncanary10 %2026-11-08 09:00 UTC/);
    // staging is at the last stage: the only gate ahead is production's canary → staged.
    const verdicts = await page.locator('.verdict h4').allTextContents();
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatch(/^production: (GO|NO-GO|CONDITIONAL|INCONCLUSIVE) canary \(10 %\) → staged \(50 %\)$/);
    const criteria = await page.locator('.verdict table.criteria tbody tr').allTextContents();
    expect(criteria.find((r) => r.includes('error_rate') && r.includes('< 1'))).toMatch(/0\.4 %.*PASS/);
    expect(await page.locator('.verdict .note').textContent()).toContain('metrics.yaml');
    const rollbacks = await page.locator('table.rollbacks tbody tr').allTextContents();
    expect(rollbacks).toHaveLength(1);
    expect(rollbacks[0]).toContain('production');
    expect(rollbacks[0]).toContain('staged → canary');
    expect(rollbacks[0]).toContain('checkout-errors-production');
  });

  it('keeps a screenshot as a CI artifact (build/artifacts/report.png)', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const png = join(ARTIFACTS, 'report.png');
    await page.screenshot({ path: png, fullPage: true });
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(20_000);
  });

  describe("the Mermaid charts, parsed and rendered by mermaid's own code", () => {
    let mermaidPage: Page;
    beforeAll(async () => {
      mermaidPage = await browser.newPage();
      mermaidPage.on('pageerror', (e) => problems.push(`mermaid page error: ${e.message}`));
      await mermaidPage.setContent('<!doctype html><html><body></body></html>');
      await mermaidPage.addScriptTag({ path: join(createRequire(import.meta.url).resolve('mermaid').replace(/dist[/\\].*$/, 'dist'), 'mermaid.min.js') });
      await mermaidPage.evaluate(() => (window as unknown as { mermaid: { initialize(c: object): void } }).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));
    });

    it('status --format markdown: a stage chart per environment, each valid and drawn', async () => {
      const r = rollgate(['status', '--format', 'markdown', '--dir', repo.dir]);
      expect(r.code).toBe(0);
      const blocks = mermaidBlocks(r.stdout);
      expect(blocks).toHaveLength(2);
      expect(blocks[0]).toContain('title "checkout in staging: stage % over time"');
      expect(blocks[1]).toContain('bar [10, 50, 10, 10]');
      for (const [i, b] of blocks.entries()) expect(await mermaidRender(mermaidPage, b, `status${i}`)).toMatchObject({ ok: true, marks: expect.any(Number) });
      for (const [i, b] of blocks.entries()) expect((await mermaidRender(mermaidPage, b, `status-marks${i}`)).marks, b).toBeGreaterThan(3);
    });

    it("the gate's markdown: a chart per measured criterion against its threshold, each valid and drawn", async () => {
      const r = rollgate(['gate', 'checkout', '--env', 'production', '--metrics', metrics, '--format', 'markdown', '--dir', repo.dir]);
      const blocks = mermaidBlocks(r.stdout);
      expect(blocks.length).toBeGreaterThanOrEqual(3);
      expect(blocks.some((b) => b.includes('bar [0.4, 1]'))).toBe(true);
      for (const [i, b] of blocks.entries()) {
        const drawn = await mermaidRender(mermaidPage, b, `gate${i}`);
        expect(drawn, b).toMatchObject({ ok: true });
        expect(drawn.marks, b).toBeGreaterThan(3);
      }
    });

    it("the gate's markdown with the rollout's timeline: a stage chart per environment from git too", async () => {
      const r = rollgate(['gate', 'checkout', '--env', 'production', '--metrics', metrics, '--format', 'json', '--dir', repo.dir]);
      const report = JSON.parse(r.stdout) as GateReport;
      const timeline = await rolloutTimeline(gitAt(repo.dir), (await validateRepository(repo.dir)).model, 'checkout');
      const blocks = mermaidBlocks(renderGateMarkdown(report, timeline));
      const stages = blocks.filter((b) => b.includes('stage % over time'));
      expect(stages.map((b) => /title "([^"]*)"/.exec(b)![1])).toEqual(['checkout in staging: stage % over time', 'checkout in production: stage % over time']);
      expect(stages[1]).toContain('bar [10, 50, 10, 10]');
      for (const [i, b] of stages.entries()) {
        const drawn = await mermaidRender(mermaidPage, b, `gate-stage${i}`);
        expect(drawn, b).toMatchObject({ ok: true });
        expect(drawn.marks, b).toBeGreaterThan(3);
      }
    });

    it('hostile labels and awkward numbers stay valid Mermaid and inside the code fence', async () => {
      const nasty = 'a "quoted" `tick` ```fence #quot; <script>x</script>\nnew line';
      const charts = [
        stageChart(nasty, 'prod"uction', [{ date: '2026-11-01T00:00:00Z', stage: nasty, percentage: 0.5, sha: 'a', subject: nasty }], '2026-11-02T00:00:00Z')!,
        // Same day, same stage twice: the axis needs distinct names or it draws the points on one spot.
        stageChart('r', 'e', ['canary', 'staged', 'canary', 'staged', 'canary'].map((stage, i) => ({ date: `2026-11-01T0${i}:00:00Z`, stage, percentage: stage === 'canary' ? 10 : 50, sha: 'a', subject: '' })), '2026-11-01T09:00:00Z')!,
        criterionChart({ group: 'mustPass', name: nasty, threshold: 'between -0.000000001 and 1e-9', measured: 1e-10, unit: 'ratio', result: 'PASS', why: '', path: [] })!,
        criterionChart({ group: 'mustPass', name: 'x', threshold: '≥ 0.95 × control', measured: 1.02, treatment: 3.06, control: 3, unit: 'percent', result: 'PASS', why: '', path: [] })!,
        criterionChart({ group: 'blockers', name: 'y', threshold: '> 5', measured: -3, unit: 'ms', result: 'PASS', why: '', path: [] })!,
      ];
      expect(charts[0]).toContain('‹script›x‹/script›');
      expect(criterionChart({ group: 'mustPass', name: 'e', threshold: '< 1', measured: 0.5, result: 'PASS', why: '', path: [] })).toContain('title "e (#lt; 1): PASS"');
      expect(charts[1]).toContain('x-axis ["2026-11-01 canary", "2026-11-01 staged", "2026-11-01 canary 02:00", "2026-11-01 staged 03:00", "2026-11-01 canary 04:00", "now"]');
      for (const [i, chart] of charts.entries()) {
        // One opening fence and one closing fence, nothing after it.
        expect(chart.match(/```/g), chart).toHaveLength(2);
        expect(chart).not.toMatch(/e-\d/);
        // No markup reaches Mermaid: a comparison's < is its entity, a tag's brackets are guillemets.
        for (const quoted of chart.match(/"[^"\n]*"/g) ?? []) expect(quoted).not.toMatch(/[<>]/);
        const drawn = await mermaidRender(mermaidPage, mermaidBlocks(chart)[0], `nasty${i}`);
        expect(drawn, chart).toMatchObject({ ok: true });
        expect(drawn.marks, chart).toBeGreaterThan(3);
      }
    });

    it('a broken chart is reported by the same check (the check can fail)', async () => {
      expect(await mermaidRender(mermaidPage, 'xychart-beta\n  x-axis [a, b\n  bar [1, 2]\n', 'broken')).toMatchObject({ ok: false });
    });
  });
});
