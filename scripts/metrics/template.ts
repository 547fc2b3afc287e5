import { PLACEHOLDERS } from '../config/schema/metrics.ts';

export type TemplateValues = Record<(typeof PLACEHOLDERS)[number], string>;

/** Values used to check a template's syntax when no real ones are at hand. */
export const SAMPLE_VALUES: TemplateValues = { flag: 'sample-flag', window: '5m', variant: 'treatment', env: 'production' };

export interface Rendered {
  text: string;
  /** Placeholders the template uses that rollgate does not know. */
  unknown: { name: string; offset: number }[];
  /** Maps an offset in `text` back to the template. */
  sourceOffset(offset: number): number;
}

/** Substitutes {{flag}}, {{window}}, {{variant}} and {{env}}; keeps a map back to the template for error positions. */
export function renderTemplate(template: string, values: TemplateValues): Rendered {
  const spans: { from: number; to: number; srcFrom: number; srcTo: number }[] = [];
  const unknown: Rendered['unknown'] = [];
  let text = '';
  let last = 0;
  for (const match of template.matchAll(/\{\{\s*([A-Za-z_]+)\s*\}\}/g)) {
    const name = match[1];
    const at = match.index;
    text += template.slice(last, at);
    last = at + match[0].length;
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      unknown.push({ name, offset: at });
      text += match[0];
      continue;
    }
    const value = values[name as keyof TemplateValues];
    spans.push({ from: text.length, to: text.length + value.length, srcFrom: at, srcTo: last });
    text += value;
  }
  text += template.slice(last);
  return {
    text,
    unknown,
    sourceOffset(offset) {
      let shift = 0;
      for (const s of spans) {
        if (offset < s.from) break;
        if (offset < s.to) return s.srcFrom;
        shift = s.srcTo - s.to;
      }
      return offset + shift;
    },
  };
}
