import { Badge, type BadgeTone } from '@/components/ui/badge';

const tones: Record<string, BadgeTone> = {
  created: 'gray',
  published: 'green',
  unpublished: 'amber',
  deprecated: 'amber',
  archived: 'red',
};

export function LifecycleBadge({ state }: { state: string }) {
  return <Badge tone={tones[state] ?? 'gray'}>{state}</Badge>;
}
