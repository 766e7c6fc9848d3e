import { Badge } from '@/components/ui/badge';

const tones = { success: 'green', denied: 'amber', error: 'red' } as const;

export function OutcomeBadge({ outcome }: { outcome: keyof typeof tones }) {
  return <Badge tone={tones[outcome]}>{outcome}</Badge>;
}
