import type { ApiDefinitionInput } from '@/db/definition';

/**
 * Demo data for a fresh DEV environment: six APIs with a short revision history, two extra users
 * and two groups. Later revisions are built from the parts of earlier ones so each edit stays small
 * and plausible.
 */

export type SeedApi = {
  /** fixed UUID (write a literal v4-looking uuid), the API's cross id shared across environments */
  crossId: string;
  lifecycleState: 'created' | 'published' | 'unpublished' | 'deprecated';
  /** the DEV revision history, oldest first; the last is the current definition. 1 to 4 entries. */
  revisions: { definition: ApiDefinitionInput; message: string }[];
  /** when set, the API also exists in QA holding this (1-based, older than current) DEV revision as its revision 1 */
  inQaAtRevision?: number;
  /** when set, the API also exists in DEMO holding this DEV revision, made there by grace@example.com */
  inDemoAtRevision?: number;
  /** names of DEV groups attached to this API (must be names from seedGroups) */
  groups: string[];
  /** extra API members besides alice@example.com (who is primary owner of every DEV API) */
  members: { email: string; role: 'OWNER' | 'USER' | 'REVIEWER' }[];
};

type Endpoint = ApiDefinitionInput['endpoints'][number];
type Plan = NonNullable<ApiDefinitionInput['plans']>[number];
type Flow = NonNullable<ApiDefinitionInput['flows']>[number];
type KeyValue = NonNullable<ApiDefinitionInput['properties']>[number];
type Page = NonNullable<ApiDefinitionInput['pages']>[number];

export const seedExtraUsers: { email: string; name: string }[] = [
  { email: 'erin@example.com', name: 'Erin Lopez' },
  { email: 'frank@example.com', name: 'Frank Osei' },
  { email: 'grace@example.com', name: 'Grace Kim' },
];

export const seedGroups: {
  name: string;
  members: { email: string; apiRole: 'OWNER' | 'USER' | 'REVIEWER' }[];
}[] = [
  {
    name: 'Payments team',
    members: [
      { email: 'erin@example.com', apiRole: 'OWNER' },
      { email: 'frank@example.com', apiRole: 'REVIEWER' },
    ],
  },
  {
    name: 'Platform team',
    members: [{ email: 'frank@example.com', apiRole: 'OWNER' }],
  },
];

// ---------------------------------------------------------------------------------------------
// Payments
// ---------------------------------------------------------------------------------------------

const paymentsWest: Endpoint = {
  name: 'payments-eu-west',
  target: 'https://payments.internal.example.com/v2',
  weight: 3,
};
const paymentsCentral: Endpoint = {
  name: 'payments-eu-central',
  target: 'https://payments-fra.internal.example.com/v2',
  weight: 1,
};

const paymentsPartnerPlan: Plan = {
  name: 'Partner',
  description: 'For approved merchants and partners. Keys are issued after a review by the payments team.',
  security: 'API_KEY',
  status: 'PUBLISHED',
  validation: 'MANUAL',
  rateLimit: { limit: 600, periodSeconds: 60 },
};

const paymentsPremiumPlan: Plan = {
  name: 'Premium',
  description: 'High-volume merchants authenticating with signed JWTs from the identity provider.',
  security: 'JWT',
  status: 'STAGING',
  validation: 'MANUAL',
  rateLimit: { limit: 5000, periodSeconds: 60 },
};

const paymentsChargeFlow: Flow = {
  name: 'Create charge',
  path: '/charges',
  methods: ['POST'],
  steps: [
    {
      policy: 'json-validation',
      description: 'Reject malformed charge requests before they reach the ledger.',
      configuration: { schemaRef: 'charge-request.v2.json', errorStatus: 400 },
    },
    {
      policy: 'transform-headers',
      description: 'Forward an idempotency key to the backend.',
      configuration: { add: { 'X-Idempotency-Source': 'gateway' }, remove: ['X-Internal-Debug'] },
    },
  ],
};

const paymentsRefundFlow: Flow = {
  name: 'Refunds',
  path: '/refunds',
  methods: ['POST', 'GET'],
  steps: [
    {
      policy: 'rate-limit',
      description: 'Refunds are rare; keep bursts small.',
      configuration: { limit: 20, periodSeconds: 60, key: 'api-key' },
    },
  ],
};

const paymentsPage: Page = {
  title: 'Getting started',
  type: 'MARKDOWN',
  published: true,
  content: `# Payments API

Create charges, capture authorised payments and issue refunds.

## Authentication

Send your key in the \`X-Api-Key\` header. Keys for the **Partner** plan are approved by the
payments team within one business day.

## Idempotency

Every \`POST /charges\` must carry an \`Idempotency-Key\` header; retries with the same key
return the original result instead of charging twice.
`,
};

const paymentsMetadata: KeyValue[] = [
  { key: 'team', value: 'payments' },
  { key: 'slack-channel', value: '#payments-api' },
  { key: 'pci-scope', value: 'yes' },
];

const paymentsV1: ApiDefinitionInput = {
  name: 'Payments',
  version: '2.1.0',
  description: 'Charges, captures and refunds for card and SEPA payments. Backed by the core ledger.',
  contextPath: '/payments',
  endpoints: [paymentsWest],
  plans: [paymentsPartnerPlan],
  flows: [paymentsChargeFlow],
  properties: [
    { key: 'currency.default', value: 'EUR' },
    { key: 'timeout.ms', value: '8000' },
  ],
  pages: [paymentsPage],
  metadata: paymentsMetadata,
};

const paymentsV2: ApiDefinitionInput = {
  ...paymentsV1,
  version: '2.2.0',
  endpoints: [paymentsWest, paymentsCentral],
  flows: [paymentsChargeFlow, paymentsRefundFlow],
};

const paymentsV3: ApiDefinitionInput = {
  ...paymentsV2,
  version: '2.3.0',
  plans: [paymentsPartnerPlan, paymentsPremiumPlan],
  properties: [
    { key: 'currency.default', value: 'EUR' },
    { key: 'timeout.ms', value: '5000' },
  ],
};

// ---------------------------------------------------------------------------------------------
// Customer Accounts
// ---------------------------------------------------------------------------------------------

const accountsInternalPlan: Plan = {
  name: 'Internal services',
  description: 'Service-to-service access with client credentials.',
  security: 'OAUTH2',
  status: 'PUBLISHED',
  validation: 'AUTO',
};

const accountsFlows: Flow[] = [
  {
    name: 'Profile reads',
    path: '/customers',
    methods: ['GET'],
    steps: [
      {
        policy: 'cache',
        description: 'Profiles change rarely; cache them briefly per customer.',
        configuration: { ttlSeconds: 30, key: '{request.path}', scope: 'api' },
      },
    ],
  },
  {
    name: 'Profile updates',
    path: '/customers',
    methods: ['PUT', 'PATCH'],
    steps: [
      {
        policy: 'json-validation',
        description: '',
        configuration: { schemaRef: 'customer-update.v1.json' },
      },
      {
        policy: 'transform-headers',
        description: 'Strip client-supplied tenant headers.',
        configuration: { remove: ['X-Tenant-Id'] },
      },
    ],
  },
];

const accountsV1: ApiDefinitionInput = {
  name: 'Customer Accounts',
  version: '1.4.0',
  description: 'Customer profiles, addresses and consent preferences for the web shop and mobile apps.',
  contextPath: '/customers',
  endpoints: [{ name: 'accounts', target: 'https://accounts.internal.example.com/api/v1', weight: 1 }],
  plans: [accountsInternalPlan],
  flows: accountsFlows,
  properties: [
    { key: 'gdpr.erasure.enabled', value: 'true' },
    { key: 'pagination.max', value: '100' },
  ],
  pages: [
    {
      title: 'Overview',
      type: 'MARKDOWN',
      published: true,
      content: `# Customer Accounts

Read and update customer profiles. Use \`GET /customers/{id}\` for a single profile and
\`PATCH /customers/{id}\` for partial updates.

Personal data is subject to GDPR: erasure requests go through \`DELETE /customers/{id}\`,
which is processed asynchronously within 72 hours.
`,
    },
  ],
  metadata: [
    { key: 'team', value: 'identity' },
    { key: 'slack-channel', value: '#customer-accounts' },
    { key: 'data-classification', value: 'personal' },
  ],
};

const accountsV2: ApiDefinitionInput = {
  ...accountsV1,
  version: '1.5.0',
  endpoints: [
    { name: 'accounts', target: 'https://accounts.internal.example.com/api/v1', weight: 1 },
    {
      name: 'accounts-dr',
      // Plain http: PROD's entry gate refuses it (the demo story fixes it in DEV).
      target: 'http://accounts-dr.internal.example.com/api/v1',
      weight: 1,
      backup: true,
    },
  ],
  properties: [
    { key: 'gdpr.erasure.enabled', value: 'true' },
    { key: 'pagination.max', value: '250' },
  ],
};

// ---------------------------------------------------------------------------------------------
// Product Catalog
// ---------------------------------------------------------------------------------------------

const catalogPublicPlan: Plan = {
  name: 'Public',
  description: 'Open read-only access to the published catalog.',
  security: 'KEYLESS',
  status: 'PUBLISHED',
  validation: 'AUTO',
  rateLimit: { limit: 100, periodSeconds: 60 },
};

const catalogPartnerPlan: Plan = {
  name: 'Partner feed',
  description: 'Bulk catalog export for marketplace partners.',
  security: 'API_KEY',
  status: 'PUBLISHED',
  validation: 'MANUAL',
  rateLimit: { limit: 10_000, periodSeconds: 3600 },
};

const catalogSearchFlow: Flow = {
  name: 'Product search',
  path: '/products',
  methods: ['GET'],
  steps: [
    {
      policy: 'cache',
      description: 'Search results are cached at the gateway.',
      configuration: { ttlSeconds: 120, varyBy: ['q', 'category', 'page'] },
    },
  ],
};

const catalogPage: Page = {
  title: 'Catalog basics',
  type: 'MARKDOWN',
  published: true,
  content: `# Product Catalog

Browse products, categories and prices. Responses are cached for up to two minutes, so
price changes can take a moment to show up.

- \`GET /products?q=lamp\` searches by name and description
- \`GET /categories\` lists the category tree
`,
};

const catalogV1: ApiDefinitionInput = {
  name: 'Product Catalog',
  version: '3.0.0',
  description: 'Products, categories and list prices as shown in the online shop.',
  contextPath: '/catalog',
  endpoints: [{ name: 'catalog', target: 'https://catalog.internal.example.com/v3', weight: 1 }],
  plans: [catalogPublicPlan],
  flows: [catalogSearchFlow],
  properties: [
    { key: 'locale.default', value: 'en-GB' },
    { key: 'images.cdn', value: 'https://cdn.example.com/catalog' },
  ],
  pages: [catalogPage],
  metadata: [
    { key: 'team', value: 'commerce' },
    { key: 'slack-channel', value: '#catalog' },
  ],
};

const catalogV2: ApiDefinitionInput = {
  ...catalogV1,
  version: '3.1.0',
  plans: [catalogPublicPlan, catalogPartnerPlan],
};

const catalogV3: ApiDefinitionInput = {
  ...catalogV2,
  version: '3.1.1',
  endpoints: [
    { name: 'catalog', target: 'https://catalog.internal.example.com/v3', weight: 2 },
    { name: 'catalog-replica', target: 'https://catalog-ro.internal.example.com/v3', weight: 1 },
  ],
};

const catalogV4: ApiDefinitionInput = {
  ...catalogV3,
  version: '3.2.0',
  flows: [
    catalogSearchFlow,
    {
      name: 'Price updates',
      path: '/prices',
      methods: ['PUT'],
      steps: [
        {
          policy: 'json-validation',
          description: 'Prices must be positive and carry a currency.',
          configuration: { schemaRef: 'price-update.v1.json', errorStatus: 422 },
        },
      ],
    },
  ],
  properties: [
    { key: 'locale.default', value: 'en-GB' },
    { key: 'images.cdn', value: 'https://cdn.example.com/catalog' },
    { key: 'prices.includeVat', value: 'true' },
  ],
};

// ---------------------------------------------------------------------------------------------
// Order Tracking
// ---------------------------------------------------------------------------------------------

const ordersV1: ApiDefinitionInput = {
  name: 'Order Tracking',
  version: '1.0.0',
  description: 'Order status and shipment tracking events for customers and the support desk.',
  contextPath: '/orders',
  endpoints: [{ name: 'orders', target: 'https://orders.internal.example.com/v1', weight: 1 }],
  plans: [
    {
      name: 'Customer apps',
      description: 'Mobile and web apps acting on behalf of a signed-in customer.',
      security: 'JWT',
      status: 'PUBLISHED',
      validation: 'AUTO',
      rateLimit: { limit: 300, periodSeconds: 60 },
    },
  ],
  flows: [
    {
      name: 'Tracking events',
      path: '/orders/tracking',
      methods: ['GET'],
      steps: [
        {
          policy: 'rate-limit',
          description: 'Apps poll; keep them honest.',
          configuration: { limit: 60, periodSeconds: 60, key: 'subject' },
        },
        {
          policy: 'cache',
          description: '',
          configuration: { ttlSeconds: 15 },
        },
      ],
    },
  ],
  properties: [
    { key: 'carrier.sync.minutes', value: '10' },
    { key: 'history.days', value: '90' },
  ],
  pages: [
    {
      title: 'Tracking an order',
      type: 'MARKDOWN',
      published: true,
      content: `# Order Tracking

\`GET /orders/{orderId}\` returns the current status (\`PLACED\`, \`PACKED\`, \`SHIPPED\`,
\`DELIVERED\`). Carrier events are synchronised every ten minutes and listed under
\`GET /orders/{orderId}/tracking\`.
`,
    },
  ],
  metadata: [
    { key: 'team', value: 'fulfilment' },
    { key: 'slack-channel', value: '#order-tracking' },
  ],
};

const ordersV2: ApiDefinitionInput = {
  ...ordersV1,
  version: '1.1.0',
  plans: [
    ...(ordersV1.plans ?? []),
    {
      name: 'Support desk',
      description: 'Internal support tooling, service accounts only.',
      security: 'OAUTH2',
      status: 'PUBLISHED',
      validation: 'MANUAL',
    },
  ],
  properties: [
    { key: 'carrier.sync.minutes', value: '5' },
    { key: 'history.days', value: '90' },
  ],
};

// ---------------------------------------------------------------------------------------------
// Notifications
// ---------------------------------------------------------------------------------------------

const notificationsV1: ApiDefinitionInput = {
  name: 'Notifications',
  version: '0.9.0',
  description:
    'Send transactional e-mail, SMS and push messages from templates. Still in development; not yet published.',
  contextPath: '/notifications',
  endpoints: [
    { name: 'notify-primary', target: 'https://notify.internal.example.com/api', weight: 1 },
    {
      name: 'notify-fallback',
      target: 'https://notify-backup.internal.example.com/api',
      weight: 1,
      backup: true,
    },
  ],
  plans: [
    {
      name: 'Internal',
      description: 'Internal services only.',
      security: 'API_KEY',
      status: 'STAGING',
      validation: 'AUTO',
      rateLimit: { limit: 50, periodSeconds: 1 },
    },
  ],
  flows: [
    {
      name: 'Send message',
      path: '/messages',
      methods: ['POST'],
      steps: [
        {
          policy: 'json-validation',
          description: 'Template id and recipient are required.',
          configuration: { schemaRef: 'message.v1.json' },
        },
        {
          policy: 'rate-limit',
          description: 'Protect the SMS provider quota.',
          configuration: { limit: 1000, periodSeconds: 3600, key: 'api-key' },
        },
      ],
    },
  ],
  properties: [
    { key: 'sms.provider', value: 'twilio' },
    { key: 'email.from', value: 'no-reply@example.com' },
  ],
  pages: [
    {
      title: 'Draft guide',
      type: 'MARKDOWN',
      published: false,
      content: `# Notifications (draft)

Post a message with a \`templateId\`, a \`channel\` (\`email\`, \`sms\` or \`push\`) and the
template variables. Delivery is asynchronous; the response carries a message id you can poll.
`,
    },
  ],
  metadata: [
    { key: 'team', value: 'platform' },
    { key: 'slack-channel', value: '#notifications-dev' },
  ],
};

// ---------------------------------------------------------------------------------------------
// Geo Lookup (deprecated)
// ---------------------------------------------------------------------------------------------

const geoV1: ApiDefinitionInput = {
  name: 'Geo Lookup',
  version: '1.2.0',
  description: 'Postcode and address lookup with coordinates. Superseded by the Location service.',
  contextPath: '/geo',
  endpoints: [{ name: 'geo', target: 'https://geo.internal.example.com/v1', weight: 1 }],
  plans: [
    {
      name: 'Open',
      description: 'Keyless lookups with a modest rate limit.',
      security: 'KEYLESS',
      status: 'PUBLISHED',
      validation: 'AUTO',
      rateLimit: { limit: 30, periodSeconds: 60 },
    },
  ],
  flows: [
    {
      name: 'Postcode lookup',
      path: '/postcodes',
      methods: ['GET'],
      steps: [
        {
          policy: 'cache',
          description: 'Postcodes hardly ever change.',
          configuration: { ttlSeconds: 86_400 },
        },
      ],
    },
  ],
  properties: [{ key: 'country.default', value: 'GB' }],
  pages: [
    {
      title: 'Migration notice',
      type: 'MARKDOWN',
      published: true,
      content: `# Geo Lookup is deprecated

This API will be switched off at the end of the quarter. Please move to the **Location**
service, which offers the same postcode lookups plus reverse geocoding.
`,
    },
  ],
  metadata: [
    { key: 'team', value: 'platform' },
    { key: 'slack-channel', value: '#geo-lookup' },
  ],
};

const geoV2: ApiDefinitionInput = {
  ...geoV1,
  version: '1.2.1',
  plans: [
    {
      name: 'Open',
      description: 'Closed to new subscriptions; migrate to the Location service.',
      security: 'KEYLESS',
      status: 'DEPRECATED',
      validation: 'AUTO',
      rateLimit: { limit: 30, periodSeconds: 60 },
    },
  ],
  metadata: [
    { key: 'team', value: 'platform' },
    { key: 'slack-channel', value: '#geo-lookup' },
    { key: 'sunset', value: '2025-12-31' },
  ],
};

// ---------------------------------------------------------------------------------------------
// The six APIs
// ---------------------------------------------------------------------------------------------

export const seedApis: SeedApi[] = [
  {
    crossId: '3f2b8c1e-6d4a-4b7e-9a21-5c8e0f7d1a43',
    lifecycleState: 'published',
    revisions: [
      { definition: paymentsV1, message: 'Initial import of the Payments API' },
      { definition: paymentsV2, message: 'Add Frankfurt endpoint and refunds flow' },
      { definition: paymentsV3, message: 'Add premium plan with JWT; lower backend timeout' },
    ],
    inQaAtRevision: 2,
    groups: ['Payments team'],
    members: [{ email: 'frank@example.com', role: 'REVIEWER' }],
  },
  {
    crossId: 'a7c4e912-0b3d-4f58-8e6a-2d19b7f0c365',
    lifecycleState: 'published',
    revisions: [
      { definition: accountsV1, message: 'Initial import of Customer Accounts' },
      { definition: accountsV2, message: 'Add DR backup endpoint; raise page size to 250' },
    ],
    inQaAtRevision: 2,
    inDemoAtRevision: 1,
    groups: ['Platform team'],
    members: [],
  },
  {
    crossId: '5e91d0a6-c2f7-4a83-b4d9-7f06e3a28c1b',
    lifecycleState: 'published',
    revisions: [
      { definition: catalogV1, message: 'Initial import of Product Catalog' },
      { definition: catalogV2, message: 'Add partner feed plan with API key' },
      { definition: catalogV3, message: 'Add read replica endpoint' },
      { definition: catalogV4, message: 'Add price updates flow and VAT property' },
    ],
    groups: ['Platform team'],
    members: [{ email: 'erin@example.com', role: 'USER' }],
  },
  {
    crossId: 'c8b3f57d-1e24-4d96-a0c7-9b52e6f14d08',
    lifecycleState: 'published',
    revisions: [
      { definition: ordersV1, message: 'Initial import of Order Tracking' },
      { definition: ordersV2, message: 'Add support desk plan with OAuth2; sync carriers every 5 minutes' },
    ],
    groups: ['Payments team', 'Platform team'],
    members: [{ email: 'frank@example.com', role: 'OWNER' }],
  },
  {
    crossId: '0d6e2a84-9f1b-4c37-8d5e-e3a7b4c9f261',
    lifecycleState: 'created',
    revisions: [{ definition: notificationsV1, message: 'Draft Notifications API' }],
    groups: [],
    members: [{ email: 'erin@example.com', role: 'OWNER' }],
  },
  {
    crossId: 'f14a7b39-5c82-4e0d-b6f1-8a2c3d95e7b4',
    lifecycleState: 'deprecated',
    revisions: [
      { definition: geoV1, message: 'Initial import of Geo Lookup' },
      { definition: geoV2, message: 'Deprecate open plan and announce sunset date' },
    ],
    groups: ['Platform team'],
    members: [],
  },
];
