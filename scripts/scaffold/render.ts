import { stringify } from 'yaml';

/**
 * A document as YAML text: `comments` first (the `# yaml-language-server: $schema=` line for
 * config kinds), block style, no anchors. Quoted as YAML 1.1 readers need it, so a stage named
 * off stays a string for every reader (as the seed rollouts write it).
 */
export function yamlText(value: unknown, comments: string[] = []): string {
  const body = stringify(value, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
  return [...comments.map((c) => `# ${c}`), body].join('\n');
}
