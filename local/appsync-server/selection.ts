/**
 * Selection-set helpers: AppSync's ctx.info.selectionSetList, and the projection of a mutation's result
 * onto the mutation's own selection set (what AppSync forwards to subscribers).
 */
import { Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

type Fragments = Record<string, FragmentDefinitionNode>;

/** Fields of a selection set with fragments spread in (type conditions are not narrowed, as in AppSync). */
const fieldsOf = (selectionSet: SelectionSetNode, fragments: Fragments) => {
  const out: { name: string; selectionSet: SelectionSetNode | undefined }[] = [];
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) out.push({ name: selection.name.value, selectionSet: selection.selectionSet });
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else {
        const fragment = fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  visit(selectionSet);
  return out;
};

/** ["id", "labels", "labels/name"]: every selected field as a slash path, introspection fields left out. */
export const selectionSetList = (selectionSet: SelectionSetNode | undefined, fragments: Fragments, prefix = ''): string[] => {
  if (!selectionSet) return [];
  const paths: string[] = [];
  for (const field of fieldsOf(selectionSet, fragments)) {
    if (field.name.startsWith('__')) continue;
    const path = prefix ? `${prefix}/${field.name}` : field.name;
    if (!paths.includes(path)) paths.push(path);
    for (const nested of selectionSetList(field.selectionSet, fragments, path)) if (!paths.includes(nested)) paths.push(nested);
  }
  return paths;
};

/**
 * The value restricted to the fields the selection names (by field name, aliases ignored). Subscribers of
 * a mutation only ever see these, so a field the publisher did not select arrives as null.
 */
export const pruneToSelection = (value: unknown, selectionSet: SelectionSetNode | undefined, fragments: Fragments): unknown => {
  if (value === null || value === undefined || !selectionSet) return value ?? null;
  if (Array.isArray(value)) return value.map((entry) => pruneToSelection(entry, selectionSet, fragments));
  if (typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of fieldsOf(selectionSet, fragments)) {
    if (field.name.startsWith('__')) continue;
    out[field.name] = pruneToSelection(source[field.name], field.selectionSet, fragments);
  }
  return out;
};
