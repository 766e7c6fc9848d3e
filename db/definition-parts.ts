/** The parts of an API definition besides its general fields, in the order they are shown. */
export const definitionParts = ['endpoints', 'plans', 'flows', 'properties', 'pages', 'metadata'] as const;
export type DefinitionPart = (typeof definitionParts)[number];
