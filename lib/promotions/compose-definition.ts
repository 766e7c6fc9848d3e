import { definitionParts, type ApiDefinition, type DefinitionPart } from '@/db/definition';

/**
 * Which parts of a definition a promotion carries. With `include`, exactly those (whatever `exclude`
 * says, as the JFrog seed defines it); otherwise every part but the excluded ones.
 */
export function resolveParts(include?: DefinitionPart[], exclude?: DefinitionPart[]) {
  const included = include
    ? definitionParts.filter((part) => include.includes(part))
    : definitionParts.filter((part) => !exclude?.includes(part));
  return { included, excluded: definitionParts.filter((part) => !included.includes(part)) };
}

/**
 * The definition a promotion brings into its target: the snapshot's identity (name, version,
 * description, context path) and its included parts; an excluded part keeps the target's own content
 * on update and stays empty on create; additional properties are set last, overriding. The result is
 * validated by the caller like any definition (an API created without endpoints is refused).
 */
export function composeDefinition(
  snapshot: ApiDefinition,
  promotion: { included: readonly string[]; properties: Record<string, string> },
  target: ApiDefinition | null,
): ApiDefinition {
  const composed: ApiDefinition = { ...snapshot };
  for (const part of definitionParts) {
    if (!promotion.included.includes(part))
      (composed as Record<DefinitionPart, unknown>)[part] = target ? target[part] : [];
  }
  const overrides = Object.entries(promotion.properties);
  if (overrides.length) {
    const properties = new Map(composed.properties.map((property) => [property.key, property.value]));
    for (const [key, value] of overrides) properties.set(key, value);
    composed.properties = [...properties].map(([key, value]) => ({ key, value }));
  }
  return composed;
}
