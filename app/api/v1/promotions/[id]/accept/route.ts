// `accept` from REST v1's first version is approving (documented as such in the OpenAPI document).
export { POST } from '../approve/route';
