import { Badge, type BadgeTone } from '@/components/ui/badge';

const tones: Record<string, BadgeTone> = {
  pending: 'amber',
  applying: 'indigo',
  accepted: 'green',
  rejected: 'red',
  cancelled: 'gray',
  failed: 'red',
  expired: 'gray',
  superseded: 'gray',
};

export function PromotionStatusBadge({ status }: { status: string }) {
  return <Badge tone={tones[status] ?? 'gray'}>{status}</Badge>;
}

export function PromotionActionBadge({ action }: { action: 'create' | 'update' }) {
  return <Badge tone={action === 'create' ? 'indigo' : 'gray'}>{action}</Badge>;
}
