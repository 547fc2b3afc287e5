import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';

/** The few mdast fields the checklist reads. */
interface MdNode {
  type: string;
  checked?: boolean | null;
  value?: string;
  alt?: string | null;
  children?: MdNode[];
}

/**
 * The manual checks ticked in a PR description: checked GFM task list items (`- [x] text`,
 * `* [X] text`, `1. [x] text`), in top-level lists or lists nested in them. A PR body is
 * untrusted text, so only what GitHub renders as a ticked box counts: items inside block
 * quotes, code (fenced or indented) and HTML (comments included) do not. Each item's text
 * is the plain text of its first paragraph, whitespace collapsed and trimmed.
 */
export function tickedChecks(body: string): Set<string> {
  const tree = fromMarkdown(body, { extensions: [gfmTaskListItem()], mdastExtensions: [gfmTaskListItemFromMarkdown()] }) as MdNode;
  const ticked = new Set<string>();
  const visit = (node: MdNode) => {
    for (const child of node.children ?? []) {
      // Descend through lists only: a blockquote, code or html child is never a ticked box.
      if (child.type === 'list') visit(child);
      if (child.type !== 'listItem') continue;
      const first = child.children?.[0];
      if (child.checked === true && first?.type === 'paragraph') {
        const text = plainText(first).replace(/\s+/g, ' ').trim();
        if (text) ticked.add(text);
      }
      visit(child);
    }
  };
  visit(tree);
  return ticked;
}

/** Text of inline content: code and emphasis flattened; inline HTML (a comment, a tag) dropped. */
function plainText(node: MdNode): string {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value ?? '';
  if (node.type === 'html') return '';
  if (node.type === 'break') return ' ';
  if (node.type === 'image') return node.alt ?? '';
  return (node.children ?? []).map(plainText).join('');
}
