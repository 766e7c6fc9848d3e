/** GETs JSON for react-query; a non-2xx answer throws an Error carrying the status and problem detail. */
export async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) {
    const problem = (await response.json().catch(() => null)) as { detail?: string } | null;
    throw Object.assign(new Error(problem?.detail ?? `Request failed (${response.status})`), {
      status: response.status,
    });
  }
  return (await response.json()) as T;
}
