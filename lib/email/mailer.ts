import 'server-only';

import nodemailer, { type Transporter } from 'nodemailer';

import { env } from '@/lib/env';

let transport: { url: string; transporter: Transporter } | undefined;

/** Email is on when SMTP_URL is set (smtp://user:password@host:587, smtps://… for TLS from the start). */
export function isEmailEnabled(): boolean {
  return Boolean(env.SMTP_URL);
}

/** Sends one plain-text message through the configured SMTP server; throws what the server answered. */
export async function sendMail(message: { to: string; subject: string; text: string }): Promise<void> {
  const url = env.SMTP_URL;
  if (!url) throw new Error('SMTP_URL is not set');
  if (transport?.url !== url) {
    transport = {
      url,
      transporter: nodemailer.createTransport(url, { connectionTimeout: 10_000, socketTimeout: 20_000 }),
    };
  }
  await transport.transporter.sendMail({ from: env.SMTP_FROM, ...message });
}
